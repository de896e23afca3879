// The fallback that serves what no route pattern can enumerate (a web app's files and routes).
#include "http/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cadenza::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

std::string HandlerName(const Router::Match& match) {
  if (!match.route) return "<none>";
  Request request;
  return match.route->handler(request).body;
}

class RouterFallbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.AddPublic("GET", "/api/v1/items/{id}", Named("item"));
    router_.AddPublic("POST", "/upload", Named("upload"));
    router_.SetFallback(
        [this](std::string_view path) {
          claimed_.emplace_back(path);
          return !path.starts_with("/api/");
        },
        Named("fallback"));
  }

  Router router_;
  std::vector<std::string> claimed_;
};

TEST_F(RouterFallbackTest, AnswersGetAndHeadForClaimedPaths) {
  Request request;
  EXPECT_EQ(HandlerName(router_.Find("GET", "/albums/1", request)), "fallback");
  EXPECT_EQ(HandlerName(router_.Find("HEAD", "/albums/1", request)), "fallback");
  EXPECT_EQ(HandlerName(router_.Find("GET", "/", request)), "fallback");
}

TEST_F(RouterFallbackTest, RoutesWin) {
  Request request;
  EXPECT_EQ(HandlerName(router_.Find("GET", "/api/v1/items/7", request)), "item");
  EXPECT_EQ(request.Param("id"), "7");
  EXPECT_TRUE(claimed_.empty());
}

TEST_F(RouterFallbackTest, OtherMethodsOnClaimedPathsAre405) {
  Request request;
  auto match = router_.Find("DELETE", "/albums/1", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
}

TEST_F(RouterFallbackTest, AMethodMismatchOnARouteIsNotTheFallbacks) {
  Request request;
  auto match = router_.Find("GET", "/upload", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"POST"}));
  EXPECT_TRUE(claimed_.empty());
}

TEST_F(RouterFallbackTest, UnclaimedPathsStay404) {
  Request request;
  auto match = router_.Find("GET", "/api/v1/nope", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
  match = router_.Find("POST", "/api/v1/nope", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST_F(RouterFallbackTest, ThePredicateSeesTheDecodedPath) {
  Request request;
  router_.Find("GET", "/caf%C3%A9/a%20b", request);
  ASSERT_EQ(claimed_.size(), 1u);
  EXPECT_EQ(claimed_[0], "/café/a b");
}

TEST(RouterFallbackSetupTest, RefusesAnEmptyPredicateOrHandler) {
  Router router;
  EXPECT_THROW(router.SetFallback(nullptr, Named("x")), std::invalid_argument);
  EXPECT_THROW(router.SetFallback([](std::string_view) { return true; }, nullptr),
               std::invalid_argument);
}

TEST(RouterFallbackSetupTest, NotListedAmongTheRoutes) {
  Router router;
  router.SetFallback([](std::string_view) { return true; }, Named("x"));
  EXPECT_TRUE(router.routes().empty());
}

}  // namespace
}  // namespace cadenza::http
