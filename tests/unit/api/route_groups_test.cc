// Every route belongs to exactly one route group, and an instance answers 421 for the routes
// of the groups it does not serve, before it authenticates or reads a body.
#include "api/route_groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/runtime.h"
#include "domain/error.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::api {
namespace {

using test_support::TempDir;

std::string Name(std::string_view method, std::string_view pattern) {
  return std::string(method) + " " + std::string(pattern);
}

std::vector<std::string> Names(const http::Router& router) {
  std::vector<std::string> names;
  for (const http::Route& route : router.routes()) names.push_back(Name(route.method, route.pattern));
  return names;
}

std::shared_ptr<const http::Router> RouterFor(const TempDir& temp, const std::string& roles) {
  app::Config config = app::BuildConfig(
      {{"flags", {{"data_dir", (temp.path() / "data").string()}, {"roles", roles}}}});
  app::Runtime runtime(config);
  return runtime.BuildRouter();
}

// The message of the 421 a refused route answers, or "" when the route is served.
std::string RefusalOf(const http::Route& route) {
  if (!route.options.before_body) return "";
  http::Request head;
  std::int64_t max_body = 0;
  try {
    route.options.before_body(head, max_body);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kMisdirected) return e.what();
  }
  return "";
}

TEST(RouteGroupsTest, EveryRouteOfTheBinaryHasExactlyOneGroup) {
  TempDir temp;
  auto router = RouterFor(temp, "api,worker");
  std::map<std::string, int> table_entries;
  for (const GroupedRoute& entry : RouteGroupTable()) ++table_entries[Name(entry.method, entry.pattern)];
  std::set<std::string> registered;
  for (const std::string& name : Names(*router)) {
    EXPECT_TRUE(registered.insert(name).second) << name << " is registered twice";
    EXPECT_EQ(table_entries[name], 1) << name << " must have exactly one group";
  }
  for (const auto& [name, count] : table_entries) {
    EXPECT_TRUE(registered.contains(name)) << name << " is in the table but not a route";
  }
  EXPECT_GE(registered.size(), 40u);
}

TEST(RouteGroupsTest, GroupsFollowTheServices) {
  EXPECT_EQ(GroupOfRoute("POST", "/api/v1/auth/login"), RouteGroup::kUsers);
  EXPECT_EQ(GroupOfRoute("PUT", "/api/v1/albums/{id}/cover"), RouteGroup::kCatalog);
  EXPECT_EQ(GroupOfRoute("GET", "/api/v1/tracks/{id}"), RouteGroup::kCatalog);
  EXPECT_EQ(GroupOfRoute("POST", "/api/v1/playlists/{id}/move"), RouteGroup::kPlaylists);
  EXPECT_EQ(GroupOfRoute("GET", "/api/v1/search"), RouteGroup::kSearch);
  EXPECT_EQ(GroupOfRoute("GET", "/api/v1/tracks/upload-url"), RouteGroup::kUploads);
  EXPECT_EQ(GroupOfRoute("PUT", "/blobs/{key...}"), RouteGroup::kUploads);
  EXPECT_EQ(GroupOfRoute("GET", "/blobs/{key...}"), RouteGroup::kStream);
  EXPECT_EQ(GroupOfRoute("GET", "/api/v1/tracks/{id}/stream"), RouteGroup::kStream);
  EXPECT_EQ(GroupOfRoute("GET", "/readyz"), RouteGroup::kSystem);
  EXPECT_EQ(GroupOfRoute("GET", "/api/v1/nothing"), std::nullopt);
}

TEST(RouteGroupsTest, AnInstanceKeepsEveryRouteButRefusesOtherGroups) {
  TempDir all_dir;
  TempDir stream_dir;
  auto all = RouterFor(all_dir, "api");
  auto stream = RouterFor(stream_dir, "stream");
  std::vector<std::string> all_names = Names(*all);
  std::vector<std::string> stream_names = Names(*stream);
  std::sort(all_names.begin(), all_names.end());
  std::sort(stream_names.begin(), stream_names.end());
  EXPECT_EQ(stream_names, all_names);

  std::map<std::string, const http::Route*> served;
  for (const http::Route& route : all->routes()) served[Name(route.method, route.pattern)] = &route;
  for (const http::Route& route : stream->routes()) {
    const std::string name = Name(route.method, route.pattern);
    const RouteGroup group = *GroupOfRoute(route.method, route.pattern);
    const std::string refusal = RefusalOf(route);
    if (group == RouteGroup::kStream || group == RouteGroup::kSystem) {
      EXPECT_EQ(refusal, "") << name;
      EXPECT_EQ(route.access.Describe(), served[name]->access.Describe()) << name;
    } else {
      EXPECT_EQ(refusal, "this instance does not serve the " + std::string(RouteGroupName(group)) +
                             " routes")
          << name;
      // Public, so that no token is checked before the refusal.
      EXPECT_FALSE(route.access.needs_account()) << name;
    }
  }
  // Served routes keep their hooks: the upload PUT still verifies its signed URL first.
  for (const http::Route& route : all->routes()) EXPECT_EQ(RefusalOf(route), "") << route.pattern;
}

// Search may run on instances of its own: one serving only search refuses the catalogue, and
// one serving everything else refuses search.
TEST(RouteGroupsTest, SearchIsAGroupOfItsOwn) {
  EXPECT_EQ(RouteGroupName(RouteGroup::kSearch), "search");
  TempDir search_dir;
  TempDir rest_dir;
  auto search_only = RouterFor(search_dir, "search");
  auto rest = RouterFor(rest_dir, "users,catalog,playlists,uploads,stream");
  std::map<std::string, std::string> search_refusals;
  for (const http::Route& route : search_only->routes()) {
    search_refusals[Name(route.method, route.pattern)] = RefusalOf(route);
  }
  EXPECT_EQ(search_refusals.at("GET /api/v1/search"), "");
  EXPECT_EQ(search_refusals.at("GET /api/v1/artists"),
            "this instance does not serve the catalog routes");
  for (const http::Route& route : rest->routes()) {
    const std::string name = Name(route.method, route.pattern);
    if (name == "GET /api/v1/search") {
      EXPECT_EQ(RefusalOf(route), "this instance does not serve the search routes");
    } else {
      EXPECT_EQ(RefusalOf(route), "") << name;
    }
  }
  ServedGroups groups;
  groups.search = false;
  EXPECT_FALSE(groups.Serves(RouteGroup::kSearch));
  EXPECT_TRUE(groups.Serves(RouteGroup::kCatalog));
}

TEST(RouteGroupsTest, ARouteWithoutAGroupCannotBeMounted) {
  http::Router all;
  all.AddPublic("GET", "/api/v1/unlisted", [](http::Request&) { return http::Response::Text(200, "x"); });
  http::Router served;
  EXPECT_THROW(MountServedRoutes(all, ServedGroups{}, served), std::logic_error);
}

TEST(RouteGroupsTest, TheWebAppGoesWithUsersOrCatalog) {
  ServedGroups groups{.users = false, .catalog = false, .playlists = true, .uploads = true,
                      .stream = true};
  EXPECT_FALSE(groups.Serves(RouteGroup::kWebApp));
  EXPECT_TRUE(groups.Serves(RouteGroup::kSystem));
  groups.catalog = true;
  EXPECT_TRUE(groups.Serves(RouteGroup::kWebApp));
  groups = ServedGroups{.users = true, .catalog = false, .playlists = false, .uploads = false,
                        .stream = false};
  EXPECT_TRUE(groups.Serves(RouteGroup::kWebApp));
  EXPECT_FALSE(groups.Serves(RouteGroup::kStream));
}

}  // namespace
}  // namespace cadenza::api
