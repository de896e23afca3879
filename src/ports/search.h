#pragma once
// Full-text search over the catalogue. The index lives in the catalogue's own database and
// changes in the same transaction as the rows it describes, so a renamed or deleted entity is
// never found under its old name. Reached through CatalogTransaction::search(); both
// catalogue adapters pass the one search suite in tests/unit/catalog/.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.h"

namespace cadenza {

enum class SearchKind { kTrack, kAlbum, kArtist, kPlaylist };

struct SearchRequest {
  // What the listener typed: valid UTF-8, trimmed, 1..200 bytes, no control characters (the
  // service checks before asking). Adapters fold case, diacritics and punctuation themselves,
  // and treat every character literally: no engine query syntax reaches the engine.
  std::string text;
  SearchKind kind = SearchKind::kTrack;
  // Playlists: the viewer's own private playlists are found besides everyone's public ones.
  // Empty for nobody in particular.
  std::string viewer_user_id;
  int limit = 20;   // 1..50
  int offset = 0;   // 0..1000: where in the ranking the page starts (the API's cursor)
};

// One result with what a result list shows, so that a page of results takes one query.
struct SearchHit {
  std::string id;            // of the kind asked
  std::string title;         // track or album title, artist name, playlist name
  std::string artist_id;     // tracks and albums: their artist; artists: itself
  std::string artist_name;
  std::string album_id;      // tracks: their album; albums: itself
  std::string album_title;
  std::optional<std::string> cover_key;  // tracks and albums: the album's cover, if any
  int cover_max_px = 0;
  std::optional<std::int64_t> duration_ms;  // tracks
  std::string owner_user_id;                // playlists
  // Tracks: their plays; albums and artists: their tracks' plays added up; playlists: 0.
  std::int64_t play_count = 0;
  Timestamp created_at = 0;
};

class SearchRepository {
 public:
  virtual ~SearchRepository() = default;
  // Hits of request.kind, best first: whole-word and prefix matches before fuzzy ones (one
  // typo forgiven in words of five letters or more), then more plays, then newer. Every word
  // typed must match (in any order, in any of the entity's fields: a track's title, artist and
  // album); the last word also as a prefix; scripts written without spaces match by
  // substring. Tracks that are not ready are never found.
  virtual std::vector<SearchHit> Search(const SearchRequest& request) = 0;
};

}  // namespace cadenza
