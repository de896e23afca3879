#include "services/id_generator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/ids.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using test_support::ManualClock;

TEST(IdGeneratorTest, TenThousandUniqueUuids) {
  SystemClock clock;
  IdGenerator ids(clock);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = ids.Next();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7') << id;                                          // version
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // variant
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(IdGeneratorTest, OrderedAcrossMilliseconds) {
  ManualClock clock(1'700'000'000'000);
  IdGenerator ids(clock);
  std::string previous = ids.Next();
  for (int i = 0; i < 1000; ++i) {
    clock.Advance(std::chrono::milliseconds(1));
    std::string id = ids.Next();
    EXPECT_LT(previous, id);
    previous = id;
  }
  // The time sits in the first 48 bits: 1700000001000 ms = 0x018bcfe56be8.
  EXPECT_EQ(previous.substr(0, 13), "018bcfe5-6be8");
}

TEST(IdGeneratorTest, OrderedWithinOneMillisecondAndWhenTheClockStepsBack) {
  ManualClock clock(1'700'000'000'000);
  IdGenerator ids(clock);
  std::string previous = ids.Next();
  for (int i = 0; i < 10000; ++i) {
    if (i == 5000) clock.Advance(std::chrono::milliseconds(-10'000));
    std::string id = ids.Next();
    ASSERT_LT(previous, id);
    ASSERT_TRUE(IsUuid(id));
    previous = id;
  }
}

TEST(IdGeneratorTest, UniqueAcrossThreads) {
  SystemClock clock;
  IdGenerator ids(clock);
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& out : made) {
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 2500; ++i) out.push_back(ids.Next());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) {
    for (std::size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1], out[i]);
    all.insert(out.begin(), out.end());
  }
  EXPECT_EQ(all.size(), 10000u);
}

}  // namespace
}  // namespace cadenza
