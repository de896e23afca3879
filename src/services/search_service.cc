#include "services/search_service.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "domain/error.h"
#include "domain/permissions.h"
#include "ports/crypto.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

constexpr std::array<SearchKind, 4> kAllKinds = {SearchKind::kTrack, SearchKind::kAlbum,
                                                 SearchKind::kArtist, SearchKind::kPlaylist};

std::optional<SearchKind> KindNamed(std::string_view name) {
  for (SearchKind kind : kAllKinds) {
    if (SearchKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

// A whole non-negative decimal number, or nullopt (signs, spaces and overflow included).
std::optional<int> ParseCount(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string CheckQueryText(const std::optional<std::string>& q) {
  if (!q) throw InvalidArgument("q", "q is required: the text to search for");
  std::string_view trimmed = TrimAscii(*q);
  if (trimmed.empty()) throw InvalidArgument("q", "q must not be empty");
  if (trimmed.size() > kMaxQueryBytes) {
    throw InvalidArgument("q", "q is too long: at most " + std::to_string(kMaxQueryBytes) +
                                   " bytes");
  }
  // UTF-8 and control characters; the code point count cannot exceed the byte count.
  return CheckText(trimmed, "q", TextLimits{1, kMaxQueryBytes, false});
}

std::vector<SearchKind> CheckTypes(const std::optional<std::string>& types) {
  if (!types) return {kAllKinds.begin(), kAllKinds.end()};
  std::array<bool, kAllKinds.size()> wanted{};
  std::string_view rest = *types;
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view name = TrimAscii(rest.substr(0, comma));
    std::optional<SearchKind> kind = KindNamed(name);
    if (!kind) {
      throw InvalidArgument("types", "unknown type \"" + std::string(name.substr(0, 40)) +
                                         "\" in types (expected a comma list of track, album, "
                                         "artist, playlist)");
    }
    wanted.at(static_cast<std::size_t>(*kind)) = true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::vector<SearchKind> kinds;
  for (SearchKind kind : kAllKinds) {
    if (wanted.at(static_cast<std::size_t>(kind))) kinds.push_back(kind);
  }
  return kinds;
}

int CheckLimit(const std::optional<std::string>& limit) {
  if (!limit) return kDefaultSearchLimit;
  std::optional<int> value = ParseCount(*limit);
  if (!value || *value < 1 || *value > kMaxSearchLimit) {
    throw InvalidArgument("limit", "limit must be an integer from 1 to " +
                                       std::to_string(kMaxSearchLimit) + " (hits per type)");
  }
  return *value;
}

struct CursorPosition {
  SearchKind kind;
  int offset;
};

CursorPosition DecodeCursor(std::string_view cursor) {
  const std::string malformed =
      "cursor is not valid: pass the nextCursor of a previous answer as is";
  std::optional<std::string> text = crypto::Base64UrlDecode(cursor);
  std::size_t colon = text ? text->find(':') : std::string::npos;
  if (colon == std::string::npos) throw InvalidArgument("cursor", malformed);
  std::optional<SearchKind> kind = KindNamed(std::string_view(*text).substr(0, colon));
  std::optional<int> offset = ParseCount(std::string_view(*text).substr(colon + 1));
  if (!kind || !offset || *offset == 0) throw InvalidArgument("cursor", malformed);
  if (*offset > kMaxSearchOffset) {
    throw InvalidArgument("cursor", "cursor goes too deep: results are paged up to " +
                                        std::to_string(kMaxSearchOffset) + " hits per type");
  }
  return {*kind, *offset};
}

}  // namespace

std::string EncodeSearchCursor(SearchKind kind, int offset) {
  return crypto::Base64UrlEncode(std::string(SearchKindName(kind)) + ":" +
                                 std::to_string(offset));
}

SearchQuery ParseSearchQuery(const SearchParams& params) {
  SearchQuery query;
  query.text = CheckQueryText(params.q);
  query.kinds = CheckTypes(params.types);
  query.limit = CheckLimit(params.limit);
  if (params.cursor) {
    CursorPosition position = DecodeCursor(*params.cursor);
    // A cursor pages one kind; without types it implies its own.
    if (!params.types) query.kinds = {position.kind};
    if (query.kinds.size() != 1 || query.kinds.front() != position.kind) {
      throw InvalidArgument("cursor", "this cursor pages the " +
                                          std::string(SearchKindName(position.kind)) +
                                          " results: send it with types=" +
                                          std::string(SearchKindName(position.kind)) +
                                          " or without types");
    }
    query.offset = position.offset;
  }
  return query;
}

SearchService::SearchService(Catalog& catalog) : catalog_(catalog) {}

SearchResults SearchService::Search(const Principal& who, const SearchParams& params) {
  Authorize(who, Action::kReadCatalog);
  SearchQuery query = ParseSearchQuery(params);
  SearchResults results;
  results.query = query.text;
  // One more than a page tells whether another follows; the port serves at most
  // kMaxSearchLimit, so a full page of that size is taken to have a successor.
  const int asked = std::min(query.limit + 1, kMaxSearchLimit);
  catalog_.Read([&](CatalogTransaction& tx) {
    results.sections.clear();
    for (SearchKind kind : query.kinds) {
      SearchRequest request;
      request.text = query.text;
      request.kind = kind;
      request.viewer_user_id = who.user_id;
      request.limit = asked;
      request.offset = query.offset;
      SearchSection section;
      section.kind = kind;
      section.hits = tx.search().Search(request);
      bool more = static_cast<int>(section.hits.size()) > query.limit ||
                  (asked == query.limit && static_cast<int>(section.hits.size()) == asked);
      if (static_cast<int>(section.hits.size()) > query.limit) section.hits.resize(query.limit);
      const int next = query.offset + query.limit;
      if (more && next <= kMaxSearchOffset) section.next_cursor = EncodeSearchCursor(kind, next);
      results.sections.push_back(std::move(section));
    }
  });
  return results;
}

}  // namespace cadenza
