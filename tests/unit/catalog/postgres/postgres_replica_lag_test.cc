// WAL positions and the lag bound the replica monitor derives from the primary's history.
#include <gtest/gtest.h>

#include <chrono>

#include "adapters/postgres/pg_replicas.h"

namespace cadenza::pg {
namespace {

using std::chrono::milliseconds;

TEST(PgLsnTest, ParsesAndFormatsPositions) {
  EXPECT_EQ(ParseLsn("0/0"), Lsn{0});
  EXPECT_EQ(ParseLsn("16/B374D848"), (Lsn{0x16} << 32) | 0xB374D848U);
  EXPECT_EQ(FormatLsn((Lsn{0x16} << 32) | 0xB374D848U), "16/B374D848");
  for (const char* bad : {"", "/", "1/", "/1", "x/1", "1/1/1", "1 /2", "123456789/1", "-1/2"}) {
    EXPECT_FALSE(ParseLsn(bad).has_value()) << bad;
  }
}

TEST(PrimaryHistoryTest, LagIsTheAgeOfTheNewestSampleReached) {
  PrimaryHistory history(milliseconds(10000));
  auto t0 = PrimaryHistory::Clock::now();
  EXPECT_FALSE(history.LagAt(100, t0).has_value());  // nothing sampled yet
  history.Add(100, t0);
  history.Add(200, t0 + milliseconds(1000));
  history.Add(300, t0 + milliseconds(2000));
  auto now = t0 + milliseconds(2500);
  EXPECT_EQ(history.LagAt(300, now), milliseconds(0));   // has the newest sample
  EXPECT_EQ(history.LagAt(350, now), milliseconds(0));
  EXPECT_EQ(history.LagAt(250, now), milliseconds(1500));  // reached 200, sampled at t0+1s
  EXPECT_EQ(history.LagAt(100, now), milliseconds(2500));
  EXPECT_FALSE(history.LagAt(99, now).has_value());  // behind everything kept: unknown
}

TEST(PrimaryHistoryTest, OldSamplesGoButTheNewestStays) {
  PrimaryHistory history(milliseconds(1000));
  auto t0 = PrimaryHistory::Clock::now();
  history.Add(100, t0);
  history.Add(200, t0 + milliseconds(5000));
  // 100 was dropped: a copy at 150 is behind every sample kept, so its lag is unknown.
  EXPECT_FALSE(history.LagAt(150, t0 + milliseconds(5000)).has_value());
  EXPECT_EQ(history.LagAt(200, t0 + milliseconds(9000)), milliseconds(0));
}

}  // namespace
}  // namespace cadenza::pg
