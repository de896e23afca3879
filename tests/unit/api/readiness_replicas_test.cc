// /readyz lists the database's read replicas when there are some, and only then; a replica
// that serves no reads does not make the instance unready (reads go to the primary).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "api/routes.h"

namespace cadenza::api {
namespace {

boost::json::object Readiness(const ReadinessChecks& checks, int& status) {
  http::Router router;
  RegisterSystemRoutes(router, checks);
  http::Request request;
  auto match = router.Find("GET", "/readyz", request);
  EXPECT_NE(match.route, nullptr);
  http::Response response = match.route->handler(request);
  status = response.status;
  return boost::json::parse(response.body).as_object();
}

TEST(ReadinessReplicasTest, ListsEachReplicaWithoutCredentials) {
  ReadinessChecks checks{[] { return true; }, [] { return true; }, {"users"}, [] {
                           return std::vector<Catalog::ReplicaStatus>{
                               {"db-r1:5432/cadenza", true, 120}, {"db-r2:5433/cadenza", false, {}}};
                         }};
  int status = 0;
  boost::json::object body = Readiness(checks, status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body.at("status"), "ok");
  const boost::json::array& replicas = body.at("replicas").as_array();
  ASSERT_EQ(replicas.size(), 2U);
  EXPECT_EQ(replicas[0].at("url"), "db-r1:5432/cadenza");
  EXPECT_EQ(replicas[0].at("usable"), true);
  EXPECT_EQ(replicas[0].at("lagMs"), 120);
  EXPECT_EQ(replicas[1].at("usable"), false);
  EXPECT_TRUE(replicas[1].at("lagMs").is_null());
}

TEST(ReadinessReplicasTest, SaysNothingOfReplicasWithoutThem) {
  int status = 0;
  boost::json::object with_none =
      Readiness({[] { return true; }, [] { return true; }, {"users"},
                 [] { return std::vector<Catalog::ReplicaStatus>{}; }},
                status);
  EXPECT_FALSE(with_none.contains("replicas"));
  boost::json::object unset =
      Readiness({[] { return true; }, [] { return true; }, {"users"}, nullptr}, status);
  EXPECT_FALSE(unset.contains("replicas"));
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace cadenza::api
