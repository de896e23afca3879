#include "http/problem.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/request.h"
#include "http/response.h"

namespace cadenza::http {
namespace {

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST(ProblemTest, StatusForEveryCode) {
  EXPECT_EQ(StatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(StatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(StatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(StatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(StatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(StatusFor(ErrorCode::kMisdirected), 421);
  EXPECT_EQ(StatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(StatusFor(ErrorCode::kUnsupportedMedia), 415);
  EXPECT_EQ(StatusFor(ErrorCode::kUnprocessable), 422);
  EXPECT_EQ(StatusFor(ErrorCode::kTooManyRequests), 429);
  EXPECT_EQ(StatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(StatusFor(ErrorCode::kInternal), 500);
}

TEST(ProblemTest, ProblemForCarriesDetailAndField) {
  Response response = ProblemFor(InvalidArgument("title", "title must not be empty"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(HeaderOf(response, "Content-Type"), "application/problem+json");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type"), "about:blank");
  EXPECT_EQ(body.at("title"), "Bad Request");
  EXPECT_EQ(body.at("status"), 400);
  EXPECT_EQ(body.at("detail"), "title must not be empty");
  EXPECT_EQ(body.at("field"), "title");
  EXPECT_EQ(HeaderOf(response, "WWW-Authenticate"), "<absent>");
}

TEST(ProblemTest, AFailingDependencysOwnWordsStayOutOfTheAnswer) {
  const Error error = Error::Unavailable(
      "the database is unavailable",
      "connection to server at \"10.0.0.7\", port 5432 failed: the database system is shutting down");
  EXPECT_NE(std::string(error.what()).find("10.0.0.7"), std::string::npos) << "the log keeps it";
  Response response = ProblemFor(error);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body.find("10.0.0.7"), std::string::npos) << response.body;
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("detail"), "the database is unavailable");
  EXPECT_EQ(HeaderOf(response, "Retry-After"), "5");
}

TEST(ProblemTest, NoFieldMemberWhenUnset) {
  auto body = boost::json::parse(ProblemFor(NotFound("album not found")).body).as_object();
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("title"), "Not Found");
  EXPECT_FALSE(body.contains("field"));
}

TEST(ProblemTest, UnauthenticatedCarriesBearerChallenge) {
  Response response = ProblemFor(Unauthenticated("token expired"));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(HeaderOf(response, "WWW-Authenticate"), "Bearer");
}

TEST(ProblemTest, AnExceededLimitIsNamedWithItsValueAndRetryAfter) {
  Response response = ProblemFor(Error(ErrorCode::kTooManyRequests, "too many upload URLs",
                                       ExceededLimit{"max_open_uploads", 20}, 42));
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(HeaderOf(response, "Retry-After"), "42");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("limit"), "max_open_uploads");
  EXPECT_EQ(body.at("limitValue"), 20);
  EXPECT_FALSE(body.contains("field"));

  // A permanent limit has no Retry-After.
  Response quota = ProblemFor(Error(ErrorCode::kPermissionDenied, "over quota",
                                    ExceededLimit{"max_stored_bytes", 1024}));
  EXPECT_EQ(quota.status, 403);
  EXPECT_EQ(HeaderOf(quota, "Retry-After"), "<absent>");
  EXPECT_EQ(boost::json::parse(quota.body).as_object().at("limit"), "max_stored_bytes");
}

TEST(ProblemTest, UnavailableTellsWhenToRetry) {
  Response response = ProblemFor(Error(ErrorCode::kUnavailable, "busy"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(HeaderOf(response, "Retry-After"), "5");
  EXPECT_EQ(HeaderOf(ProblemFor(NotFound("gone")), "Retry-After"), "<absent>");
}

TEST(ResponseTest, ProblemMergesExtraMembers) {
  boost::json::object extra;
  extra["retryAfter"] = 5;
  Response response = Response::Problem(429, "slow down", extra);
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("title"), "Too Many Requests");
  EXPECT_EQ(body.at("retryAfter"), 5);
  EXPECT_EQ(body.at("detail"), "slow down");
}

TEST(ResponseTest, ProblemTitleForUnknownStatus) {
  auto body = boost::json::parse(Response::Problem(299, "odd").body).as_object();
  EXPECT_EQ(body.at("title"), "Error");
}

TEST(ResponseTest, JsonTextEmpty) {
  Response json = Response::Json(201, boost::json::object{{"id", "x"}});
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(HeaderOf(json, "Content-Type"), "application/json");
  EXPECT_EQ(json.body, R"({"id":"x"})");
  Response text = Response::Text(200, "hi");
  EXPECT_EQ(HeaderOf(text, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "hi");
  Response empty = Response::Empty(204);
  EXPECT_EQ(empty.status, 204);
  EXPECT_TRUE(empty.headers.empty());
  EXPECT_TRUE(empty.body.empty());
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response response = Response::Text(200, "x");
  response.headers.emplace_back("x-dup", "1");
  response.headers.emplace_back("X-Dup", "2");
  response.SetHeader("content-type", "audio/mpeg").SetHeader("X-DUP", "3").SetHeader("New", "v");
  EXPECT_EQ(response.headers.size(), 3u);
  EXPECT_EQ(HeaderOf(response, "content-type"), "audio/mpeg");
  EXPECT_EQ(HeaderOf(response, "X-DUP"), "3");
  EXPECT_EQ(HeaderOf(response, "New"), "v");
}

TEST(RequestTest, Accessors) {
  Request request;
  request.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  request.query = {{"limit", "5"}, {"tag", "a"}};
  request.path_params = {{"id", "abc"}};
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("X-A"), "1");
  EXPECT_EQ(request.Header("missing"), "");
  EXPECT_EQ(request.Query("limit"), "5");
  EXPECT_EQ(request.Query("cursor"), std::nullopt);
  EXPECT_EQ(request.Param("id"), "abc");
  EXPECT_THROW(request.Param("other"), std::out_of_range);
}

}  // namespace
}  // namespace cadenza::http
