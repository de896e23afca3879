#include "domain/search_rank.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace cadenza {
namespace {

TEST(SearchRankTest, LevelsAreExactBelowSixteenThenEightPerDoubling) {
  for (std::int64_t plays = 0; plays < 16; ++plays) EXPECT_EQ(SearchPlaysLevel(plays), plays);
  EXPECT_EQ(SearchPlaysLevel(16), SearchPlaysLevel(17));
  EXPECT_LT(SearchPlaysLevel(17), SearchPlaysLevel(18));
  EXPECT_EQ(SearchPlaysLevel(1024) + 8, SearchPlaysLevel(2048));
  EXPECT_EQ(SearchPlaysLevel(-5), 0);  // never below the level of no plays
}

TEST(SearchRankTest, LevelsNeverDecreaseAsPlaysGrow) {
  int previous = SearchPlaysLevel(0);
  for (std::int64_t plays = 1; plays < 200000; ++plays) {
    int level = SearchPlaysLevel(plays);
    ASSERT_GE(level, previous) << plays;
    ASSERT_LE(level, previous + 1) << plays;  // no level is skipped
    previous = level;
  }
  EXPECT_LT(SearchPlaysLevel(std::numeric_limits<std::int64_t>::max()), 511);
}

TEST(SearchRankTest, MorePlaysThenNewerSortFirst) {
  const Timestamp day = 86'400'000;
  const Timestamp now = 1'800'000'000'000;
  EXPECT_LT(SearchRankBase(12, now - day), SearchRankBase(11, now));
  EXPECT_LT(SearchRankBase(200, now - day), SearchRankBase(99, now));
  EXPECT_LT(SearchRankBase(5, now), SearchRankBase(5, now - 1000));
  EXPECT_EQ(SearchRankBase(5, now), SearchRankBase(5, now + 999 - now % 1000));  // one second
  EXPECT_GT(SearchRankBase(0, 0), 0);
  EXPECT_EQ(SearchRankBase(0, 0) % kSearchRankSlots, 0);
  // Outside 1970..2106 the creation time is clamped, never wrapped into another level.
  EXPECT_LT(SearchRankBase(1, std::numeric_limits<Timestamp>::max()), SearchRankBase(0, -1));
  EXPECT_LT(SearchRankBase(2, -1), SearchRankBase(1, std::numeric_limits<Timestamp>::max()));
}

TEST(SearchRankTest, GroupsEndWithTheirSecondOrTheirLevel) {
  const Timestamp now = 1'800'000'000'000;
  // One play count per level: the group is the documents of one creation second.
  std::int64_t exact = SearchRankBase(7, now);
  EXPECT_EQ(SearchRankGroupEnd(exact + 3), exact + kSearchRankSlots - 1);
  EXPECT_LT(SearchRankGroupEnd(exact), SearchRankBase(7, now - 1000));
  // A level of several play counts: the group is the whole level, every creation time.
  std::int64_t wide = SearchRankBase(1000, now);
  EXPECT_GE(SearchRankGroupEnd(wide), SearchRankBase(1000, 0));
  ASSERT_EQ(SearchPlaysLevel(1000), SearchPlaysLevel(1001));
  EXPECT_GE(SearchRankGroupEnd(wide), SearchRankBase(1001, 0));
  EXPECT_LT(SearchRankGroupEnd(wide), SearchRankBase(900, now));
}

}  // namespace
}  // namespace cadenza
