#include "api/route_groups.h"

#include <stdexcept>
#include <string>

#include "api/read_after_write.h"
#include "api/web_routes.h"
#include "domain/error.h"

namespace cadenza::api {

namespace {

Error Misdirected(RouteGroup group) {
  return Error(ErrorCode::kMisdirected, "this instance does not serve the " +
                                            std::string(RouteGroupName(group)) + " routes");
}

// A route of a group this instance does not serve: refused in before_body, which runs before
// the body is read (the route is public, so no token is checked first).
void AddRefusal(http::Router& router, const std::string& method, const std::string& pattern,
                RouteGroup group) {
  http::RouteOptions options;
  options.before_body = [group](const http::Request&, std::int64_t&) -> std::any {
    throw Misdirected(group);
  };
  router.AddPublic(method, pattern,
                   [group](http::Request&) -> http::Response { throw Misdirected(group); },
                   std::move(options));
}

}  // namespace

std::string_view RouteGroupName(RouteGroup group) {
  switch (group) {
    case RouteGroup::kSystem: return "system";
    case RouteGroup::kWebApp: return "web app";
    case RouteGroup::kUsers: return "users";
    case RouteGroup::kCatalog: return "catalog";
    case RouteGroup::kPlaylists: return "playlists";
    case RouteGroup::kUploads: return "uploads";
    case RouteGroup::kStream: return "stream";
  }
  return "unknown";
}

bool ServedGroups::Serves(RouteGroup group) const {
  switch (group) {
    case RouteGroup::kSystem: return true;
    case RouteGroup::kWebApp: return users || catalog;
    case RouteGroup::kUsers: return users;
    case RouteGroup::kCatalog: return catalog;
    case RouteGroup::kPlaylists: return playlists;
    case RouteGroup::kUploads: return uploads;
    case RouteGroup::kStream: return stream;
  }
  return false;
}

const std::vector<GroupedRoute>& RouteGroupTable() {
  using G = RouteGroup;
  static const std::vector<GroupedRoute> table = {
      {"GET", "/healthz", G::kSystem},
      {"GET", "/readyz", G::kSystem},
      {"GET", "/api/v1/openapi.json", G::kSystem},
      {"GET", "/api/v1", G::kSystem},
      {"GET", "/", G::kWebApp},
      {"POST", "/api/v1/auth/register", G::kUsers},
      {"POST", "/api/v1/auth/login", G::kUsers},
      {"GET", "/api/v1/users/me", G::kUsers},
      {"PATCH", "/api/v1/users/me", G::kUsers},
      {"DELETE", "/api/v1/users/me", G::kUsers},
      {"GET", "/api/v1/artists", G::kCatalog},
      {"POST", "/api/v1/artists", G::kCatalog},
      {"GET", "/api/v1/artists/{id}", G::kCatalog},
      {"PATCH", "/api/v1/artists/{id}", G::kCatalog},
      {"DELETE", "/api/v1/artists/{id}", G::kCatalog},
      {"GET", "/api/v1/artists/{id}/albums", G::kCatalog},
      {"GET", "/api/v1/albums", G::kCatalog},
      {"POST", "/api/v1/albums", G::kCatalog},
      {"GET", "/api/v1/albums/{id}", G::kCatalog},
      {"PATCH", "/api/v1/albums/{id}", G::kCatalog},
      {"PUT", "/api/v1/albums/{id}/cover", G::kCatalog},
      {"DELETE", "/api/v1/albums/{id}", G::kCatalog},
      {"GET", "/api/v1/tracks", G::kCatalog},
      {"GET", "/api/v1/tracks/{id}", G::kCatalog},
      {"DELETE", "/api/v1/tracks/{id}", G::kCatalog},
      {"GET", "/api/v1/playlists", G::kPlaylists},
      {"POST", "/api/v1/playlists", G::kPlaylists},
      {"GET", "/api/v1/playlists/{id}", G::kPlaylists},
      {"PATCH", "/api/v1/playlists/{id}", G::kPlaylists},
      {"DELETE", "/api/v1/playlists/{id}", G::kPlaylists},
      {"POST", "/api/v1/playlists/{id}/tracks", G::kPlaylists},
      {"DELETE", "/api/v1/playlists/{id}/tracks/{position}", G::kPlaylists},
      {"POST", "/api/v1/playlists/{id}/move", G::kPlaylists},
      {"GET", "/api/v1/tracks/upload-url", G::kUploads},
      {"GET", "/api/v1/tracks/update-url/{id}", G::kUploads},
      {"POST", "/api/v1/tracks", G::kUploads},
      // PATCH may carry a new trackUrl, which claims an upload: it needs what uploads needs.
      {"PATCH", "/api/v1/tracks/{id}", G::kUploads},
      {"PUT", "/blobs/{key...}", G::kUploads},
      {"GET", "/api/v1/tracks/{id}/stream", G::kStream},
      {"GET", "/api/v1/tracks/{id}/original", G::kStream},
      {"GET", "/blobs/{key...}", G::kStream},
      {"GET", "/media/{token}/{trackId}/{rest...}", G::kStream},
      {"GET", "/covers/{albumId}/{version}/{file}", G::kStream},
      // Players report what they play where they stream; the reads of what the events counted
      // go with the catalogue.
      {"POST", "/api/v1/events", G::kStream},
      {"GET", "/api/v1/me/recently-played", G::kCatalog},
      {"GET", "/api/v1/me/most-played", G::kCatalog},
      {"GET", "/api/v1/browse/popular", G::kCatalog},
      {"GET", "/api/v1/browse/new-releases", G::kCatalog},
      {"GET", "/api/v1/artists/{id}/top-tracks", G::kCatalog},
  };
  return table;
}

std::optional<RouteGroup> GroupOfRoute(std::string_view method, std::string_view pattern) {
  for (const GroupedRoute& entry : RouteGroupTable()) {
    if (entry.method == method && entry.pattern == pattern) return entry.group;
  }
  return std::nullopt;
}

void MountServedRoutes(const http::Router& all, const ServedGroups& groups, http::Router& served,
                       const ReadAfterWrite* read_after) {
  for (const http::Route& route : all.routes()) {
    std::optional<RouteGroup> group = GroupOfRoute(route.method, route.pattern);
    if (!group) {
      throw std::logic_error("route " + route.method + " " + route.pattern +
                             " has no group in api/route_groups.cc");
    }
    if (!groups.Serves(*group)) {
      AddRefusal(served, route.method, route.pattern, *group);
    } else if (route.access.needs_account()) {
      served.AddAuthenticated(
          route.method, route.pattern, route.access,
          read_after ? read_after->Wrap(route.authenticated_handler) : route.authenticated_handler,
          route.options);
    } else {
      served.AddPublic(route.method, route.pattern,
                       read_after ? read_after->Wrap(route.handler) : route.handler, route.options);
    }
  }
}

void RefuseWebRoutes(http::Router& router) {
  AddRefusal(router, "GET", "/", RouteGroup::kWebApp);
  router.SetFallback([](std::string_view path) { return !IsServerPath(path); },
                     [](http::Request&) -> http::Response {
    throw Misdirected(RouteGroup::kWebApp);
  });
}

}  // namespace cadenza::api
