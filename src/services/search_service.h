#pragma once
// Catalogue search as a use case: checks what a client asked for (the raw query parameters of
// GET /api/v1/search) and runs each requested kind through the catalogue's SearchRepository
// (ports/search.h), in one read transaction.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/principal.h"
#include "ports/catalog.h"
#include "ports/search.h"
#include "ports/search_kind_name.h"

namespace cadenza {

// The query parameters as they arrived (percent-decoded); absent ones are nullopt.
struct SearchParams {
  std::optional<std::string> q;
  std::optional<std::string> types;   // comma list of track, album, artist, playlist
  std::optional<std::string> limit;   // decimal, per kind
  std::optional<std::string> cursor;  // a nextCursor of an earlier answer, as it is
};

// A checked search: what every kind is asked.
struct SearchQuery {
  std::string text;                // trimmed, 1..kMaxQueryBytes, valid UTF-8, no controls
  std::vector<SearchKind> kinds;   // in the order track, album, artist, playlist; no repeats
  int limit = 10;                  // per kind
  int offset = 0;                  // 0..kMaxOffset; non-zero only with one kind
};

// The hits of one kind and, when more may follow, the cursor of the next page.
struct SearchSection {
  SearchKind kind = SearchKind::kTrack;
  std::vector<SearchHit> hits;
  std::optional<std::string> next_cursor;
};

struct SearchResults {
  std::string query;                   // the text searched for (trimmed)
  std::vector<SearchSection> sections;  // one per SearchQuery::kinds, same order
};

inline constexpr std::size_t kMaxQueryBytes = 200;
inline constexpr int kDefaultSearchLimit = 10;
inline constexpr int kMaxSearchLimit = 50;
// Deepest page start a cursor may name: ranking further down costs more than it is worth.
inline constexpr int kMaxSearchOffset = 1000;

// Checks `params`; throws Error(kInvalidArgument) with field q, types, limit or cursor and a
// message saying what is wrong: q missing, empty after trimming, longer than kMaxQueryBytes,
// not UTF-8 or holding control characters; an unknown type (named); limit not 1..50; a cursor
// that is not one this service issued, that names an offset past kMaxSearchOffset, or that
// goes with types other than its own kind. Pure.
SearchQuery ParseSearchQuery(const SearchParams& params);

// The cursor of the page of `kind` starting at `offset`: opaque to clients (base64url of
// "<kind>:<offset>").
std::string EncodeSearchCursor(SearchKind kind, int offset);

// Thread-safe; Search blocks on the database.
class SearchService {
 public:
  explicit SearchService(Catalog& catalog);

  // Every kind of ParseSearchQuery(params), in one read transaction. Playlists are everyone's
  // public ones and the caller's own private ones. A section's next_cursor is set when the
  // page is full and a later page would still start within kMaxSearchOffset.
  SearchResults Search(const Principal& who, const SearchParams& params);

 private:
  Catalog& catalog_;
};

}  // namespace cadenza
