#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

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

TEST(RouterTest, LiteralSegmentBeatsParamWhateverTheOrder) {
  Router router;
  router.AddPublic("POST", "/api/v1/tracks/{id}", Named("by-id"));
  router.AddPublic("POST", "/api/v1/tracks/upload-url", Named("upload-url"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("POST", "/api/v1/tracks/upload-url", request)), "upload-url");
  EXPECT_TRUE(request.path_params.empty());
  EXPECT_EQ(HandlerName(router.Find("POST", "/api/v1/tracks/abc", request)), "by-id");
  EXPECT_EQ(request.Param("id"), "abc");
}

TEST(RouterTest, LiteralWinsAtTheEarliestDifferingPosition) {
  Router router;
  router.AddPublic("GET", "/{a}/b", Named("param-first"));
  router.AddPublic("GET", "/a/{b}", Named("literal-first"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("GET", "/a/b", request)), "literal-first");
  EXPECT_EQ(request.Param("b"), "b");
}

TEST(RouterTest, CapturesSeveralParams) {
  Router router;
  router.AddPublic("DELETE", "/playlists/{id}/entries/{position}", Named("entry"));
  Request request;
  auto match = router.Find("DELETE", "/playlists/p1/entries/3", request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(request.Param("id"), "p1");
  EXPECT_EQ(request.Param("position"), "3");
}

TEST(RouterTest, RestParamMatchesOneOrMoreSegments) {
  Router router;
  router.AddPublic("GET", "/blobs/{key...}", Named("blob"));
  Request request;
  ASSERT_NE(router.Find("GET", "/blobs/a/b/c.mp3", request).route, nullptr);
  EXPECT_EQ(request.Param("key"), "a/b/c.mp3");
  ASSERT_NE(router.Find("GET", "/blobs/one", request).route, nullptr);
  EXPECT_EQ(request.Param("key"), "one");
  EXPECT_EQ(router.Find("GET", "/blobs", request).route, nullptr);
  EXPECT_EQ(router.Find("GET", "/blobs/", request).route, nullptr);
}

TEST(RouterTest, ParamsArePercentDecodedPerSegment) {
  Router router;
  router.AddPublic("GET", "/items/{id}", Named("item"));
  router.AddPublic("GET", "/files/{path...}", Named("file"));
  Request request;
  ASSERT_NE(router.Find("GET", "/items/a%20b%2Fc", request).route, nullptr);
  EXPECT_EQ(request.Param("id"), "a b/c");  // an encoded slash stays inside the segment
  ASSERT_NE(router.Find("GET", "/files/x%41/y", request).route, nullptr);
  EXPECT_EQ(request.Param("path"), "xA/y");
  ASSERT_NE(router.Find("GET", "/it%65ms/1", request).route, nullptr);  // literal compared decoded
}

TEST(RouterTest, MalformedPercentEncodingMatchesNothing) {
  Router router;
  router.AddPublic("GET", "/items/{id}", Named("item"));
  Request request;
  auto match = router.Find("GET", "/items/%zz", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST(RouterTest, EmptySegmentsAndTrailingSlashesDoNotMatchParams) {
  Router router;
  router.AddPublic("GET", "/items/{id}", Named("item"));
  router.AddPublic("GET", "/items", Named("list"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("GET", "/items", request)), "list");
  EXPECT_EQ(router.Find("GET", "/items/", request).route, nullptr);
  EXPECT_EQ(router.Find("GET", "/items/1/", request).route, nullptr);
  EXPECT_EQ(router.Find("GET", "/items//", request).route, nullptr);
}

TEST(RouterTest, MethodMismatchListsAllowedMethods) {
  Router router;
  router.AddPublic("GET", "/items/{id}", Named("get"));
  router.AddPublic("DELETE", "/items/{id}", Named("delete"));
  router.AddPublic("PATCH", "/items/{id}", Named("patch"));
  router.AddPublic("POST", "/other", Named("other"));
  Request request;
  auto match = router.Find("POST", "/items/1", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"DELETE", "GET", "HEAD", "PATCH"}));
}

TEST(RouterTest, MethodFoundOnALessSpecificPatternIsUsed) {
  Router router;
  router.AddPublic("POST", "/tracks/upload-url", Named("upload-url"));
  router.AddPublic("GET", "/tracks/{id}", Named("get"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("GET", "/tracks/upload-url", request)), "get");
  auto match = router.Find("PUT", "/tracks/upload-url", request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "HEAD", "POST"}));
}

TEST(RouterTest, HeadMatchesGetButAnExplicitHeadRouteWins) {
  Router router;
  router.AddPublic("GET", "/a", Named("get-a"));
  router.AddPublic("GET", "/b", Named("get-b"));
  router.AddPublic("HEAD", "/b", Named("head-b"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("HEAD", "/a", request)), "get-a");
  EXPECT_EQ(HandlerName(router.Find("HEAD", "/b", request)), "head-b");
  EXPECT_EQ(HandlerName(router.Find("GET", "/b", request)), "get-b");
  EXPECT_EQ(router.Find("GET", "/nothing", request).route, nullptr);
}

TEST(RouterTest, RootPath) {
  Router router;
  router.AddPublic("GET", "/", Named("root"));
  Request request;
  EXPECT_EQ(HandlerName(router.Find("GET", "/", request)), "root");
  EXPECT_EQ(router.Find("GET", "/x", request).route, nullptr);
}

TEST(RouterTest, MalformedPatternsAreRefused) {
  Router router;
  EXPECT_THROW(router.AddPublic("GET", "no-slash", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.AddPublic("GET", "/a/{rest...}/b", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.AddPublic("GET", "/a/{}", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.AddPublic("GET", "/a/{id", Named("x")), std::invalid_argument);
  EXPECT_TRUE(router.routes().empty());
}

}  // namespace
}  // namespace cadenza::http
