// GET /api/v1/search
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/dto.h"
#include "api/routes.h"
#include "services/search_service.h"

namespace cadenza::api {

namespace {

// The member of the answer that holds a kind's results.
std::string_view SectionName(SearchKind kind) {
  switch (kind) {
    case SearchKind::kTrack: return "tracks";
    case SearchKind::kAlbum: return "albums";
    case SearchKind::kArtist: return "artists";
    case SearchKind::kPlaylist: return "playlists";
  }
  return "unknown";
}

boost::json::object SearchBody(const SearchResults& results) {
  boost::json::object body;
  body["query"] = results.query;
  for (const SearchSection& section : results.sections) {
    boost::json::array items;
    items.reserve(section.hits.size());
    for (const SearchHit& hit : section.hits) items.push_back(ToJson(hit, section.kind));
    boost::json::value next = nullptr;
    if (section.next_cursor) next = *section.next_cursor;
    body[SectionName(section.kind)] =
        boost::json::object{{"items", std::move(items)}, {"nextCursor", std::move(next)}};
  }
  return body;
}

}  // namespace

void RegisterSearchRoutes(http::Router& router, SearchService& search) {
  router.AddAuthenticated("GET", "/api/v1/search", http::Access::AnyAccount(),
                          [&](http::Request& request, const Principal& who) {
                            SearchParams params;
                            params.q = request.Query("q");
                            params.types = request.Query("types");
                            params.limit = request.Query("limit");
                            params.cursor = request.Query("cursor");
                            return http::Response::Json(200,
                                                        SearchBody(search.Search(who, params)));
                          });
}

}  // namespace cadenza::api
