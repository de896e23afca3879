#pragma once
// Route groups: how `roles` splits the routes of the one binary across instances. Every route
// belongs to exactly one group, stated once in the table of route_groups.cc; an instance
// answers the routes of the groups it serves and refuses the others with 421 Misdirected
// Request, so that a gateway sending a request to the wrong instance is obvious.
#include <optional>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace cadenza::api {

class ReadAfterWrite;

enum class RouteGroup {
  kSystem,     // /healthz, /readyz, /api/v1, /api/v1/openapi.json: every instance
  kWebApp,     // GET / and the app's files: with users or catalog
  kUsers,      // sign-up, login, /users/me
  kCatalog,    // artists, albums (covers included), track metadata reads and deletion
  kPlaylists,  // playlists and their entries
  kSearch,     // GET /api/v1/search: a gateway may send it to instances of its own
  kUploads,    // upload and update URLs, creating a track and replacing its audio, PUT /blobs
  kStream,     // stream and original URLs, GET /blobs, /media, /covers
};

// The group's name as operators write it in `roles` ("users", ...; "web app", "system").
std::string_view RouteGroupName(RouteGroup group);

// The route groups one instance serves. System routes are always served; the web app goes
// with users or catalog, since it cannot sign in or browse without them.
struct ServedGroups {
  bool users = true;
  bool catalog = true;
  bool playlists = true;
  bool search = true;
  bool uploads = true;
  bool stream = true;

  bool Serves(RouteGroup group) const;
};

struct GroupedRoute {
  std::string_view method;
  std::string_view pattern;
  RouteGroup group;
};
// The route -> group table, the one place that says which group a route belongs to.
const std::vector<GroupedRoute>& RouteGroupTable();
// The group of the route `method pattern` (as registered: "GET", "/api/v1/tracks/{id}"), or
// nullopt when the table does not list it.
std::optional<RouteGroup> GroupOfRoute(std::string_view method, std::string_view pattern);

// Adds every route of `all` to `served`, in order: a route of a served group as it is, any
// other as a public route of the same method and pattern that answers 421 with "this instance
// does not serve the <group> routes" before authentication and before any body is read.
// The fallback of `all` is not copied (see ServeOrRefuseWebApp). Throws std::logic_error for a
// route the table does not list, so a new route without a group cannot be served.
// With `read_after`, every served route's handler runs under it (api/read_after_write.h).
void MountServedRoutes(const http::Router& all, const ServedGroups& groups, http::Router& served,
                       const ReadAfterWrite* read_after = nullptr);

// On an instance that does not serve the web app: GET / and every path the app would claim
// (any GET outside the server's own prefixes) answer 421 naming the web app.
void RefuseWebRoutes(http::Router& router);

}  // namespace cadenza::api
