// If-None-Match: the entity-tag list parser and the request-level check every handler uses.
#include "http/conditional.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cadenza::http {
namespace {

Request Get(std::vector<std::pair<std::string, std::string>> headers) {
  Request request;
  request.method = "GET";
  request.path = request.target = "/file";
  request.headers = std::move(headers);
  return request;
}

TEST(IfNoneMatchTest, MatchesItsOwnTagOnly) {
  EXPECT_TRUE(IfNoneMatchHits("\"abc\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("\"abc\"", "\"abc-br\""));
  EXPECT_FALSE(IfNoneMatchHits("\"abc-br\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("\"abc-gz\"", "\"abc-br\""));
  EXPECT_FALSE(IfNoneMatchHits("\"ab\"", "\"abc\""));  // a prefix of the tag is not the tag
  EXPECT_FALSE(IfNoneMatchHits("\"xabcx\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("", "\"abc\""));
}

TEST(IfNoneMatchTest, ListsStarAndWeakComparison) {
  EXPECT_TRUE(IfNoneMatchHits("\"x\", \"abc-gz\" ,\"y\"", "\"abc-gz\""));
  EXPECT_FALSE(IfNoneMatchHits("\"x\", \"y\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("*", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits(" * ", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("\"a,b\", \"abc\"", "\"abc\""));  // a comma inside a tag
  EXPECT_FALSE(IfNoneMatchHits("\"a,\"abc\"", "\"abc-x\""));
}

TEST(IfNoneMatchTest, GarbageNeverMatches) {
  EXPECT_FALSE(IfNoneMatchHits("abc", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("\"abc", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("junk, \"abc\"", "\"abc\""));
}

TEST(NotModifiedTest, NeedsAnIfNoneMatchThatNamesTheTag) {
  EXPECT_FALSE(NotModified(Get({}), "\"abc\""));
  EXPECT_FALSE(NotModified(Get({{"if-match", "\"abc\""}}), "\"abc\""));
  EXPECT_TRUE(NotModified(Get({{"if-none-match", "\"abc\""}}), "\"abc\""));
  EXPECT_FALSE(NotModified(Get({{"if-none-match", "\"other\""}}), "\"abc\""));
  EXPECT_TRUE(NotModified(Get({{"if-none-match", "W/\"abc\""}}), "\"abc\""));
  EXPECT_TRUE(NotModified(Get({{"if-none-match", "*"}}), "\"abc\""));
  EXPECT_TRUE(NotModified(Get({{"if-none-match", "\"x\", \"abc\""}}), "\"abc\""));
}

TEST(NotModifiedTest, RepeatedFieldsAreOneList) {
  EXPECT_TRUE(
      NotModified(Get({{"if-none-match", "\"x\""}, {"If-None-Match", "\"abc\""}}), "\"abc\""));
  EXPECT_FALSE(
      NotModified(Get({{"if-none-match", "\"x\""}, {"if-none-match", "\"y\""}}), "\"abc\""));
}

}  // namespace
}  // namespace cadenza::http
