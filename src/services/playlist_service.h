#pragma once
// Playlists: ordered lists of tracks owned by one account, private unless made public.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "domain/pagination.h"
#include "domain/principal.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/id_generator.h"

namespace cadenza {

struct PlaylistDraft {
  std::string name;                        // 1..200 characters, one line
  std::optional<std::string> description;  // 0..2000 characters, line breaks allowed
  bool is_public = false;
};

// Absent members are left alone; an empty `description` clears it.
struct PlaylistPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> is_public;
};

struct PlaylistItem {
  int position = 0;  // 0-based, dense
  Timestamp added_at = 0;
  Track track;
};

struct PlaylistWithEntries {
  Playlist playlist;
  std::vector<PlaylistItem> entries;  // by position
};

// Thread-safe; every method blocks on the database. Someone else's private playlist is
// reported as kNotFound "playlist not found" whatever the operation, so its existence stays
// secret; changing someone else's public playlist is kPermissionDenied. Admins may read and
// change any playlist.
// Failures throw cadenza::Error naming the field (name, description, trackIds, position, from,
// to) in the API's spelling.
class PlaylistService {
 public:
  static constexpr std::size_t kMaxEntries = 10000;

  PlaylistService(Catalog& catalog, const IdGenerator& ids, const Clock& clock);

  Playlist Create(const Principal& who, const PlaylistDraft& draft);
  PlaylistWithEntries Get(const Principal& who, std::string_view id);
  // The caller's playlists and, unless `mine_only`, everyone's public ones; by id.
  Page<Playlist> List(const Principal& who, bool mine_only, const PageRequest& page);
  Playlist Update(const Principal& who, std::string_view id, const PlaylistPatch& patch);
  void Delete(const Principal& who, std::string_view id);

  // Inserts `track_ids` (in order, duplicates allowed) before the entry at `position`
  // (0..n; absent = at the end). kInvalidArgument with field trackIds when empty, with field
  // position when out of range; kUnprocessable with field trackIds naming the first track that
  // does not exist; kConflict when the playlist would exceed kMaxEntries.
  PlaylistWithEntries AddTracks(const Principal& who, std::string_view id,
                                const std::vector<std::string>& track_ids,
                                std::optional<int> position);
  // Removes the entry at `position`; later entries move up. kNotFound when there is no such
  // entry.
  PlaylistWithEntries RemoveEntry(const Principal& who, std::string_view id, int position);
  // Moves the entry at `from` so that it ends up at `to` (both 0..n-1); kInvalidArgument
  // with field from/to when out of range.
  PlaylistWithEntries MoveEntry(const Principal& who, std::string_view id, int from, int to);

 private:
  Catalog& catalog_;
  const IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace cadenza
