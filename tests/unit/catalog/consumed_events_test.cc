// EventOutbox::MarkConsumed / ForgetConsumedBefore: the dedup record of the consumers of the
// streaming platform, on every catalogue adapter.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using ConsumedEventsTest = CatalogTest;

bool Mark(Catalog& catalog, std::string_view consumer, std::string_view event_id, Timestamp at) {
  return catalog.WriteValue(
      [&](CatalogTransaction& tx) { return tx.events().MarkConsumed(consumer, event_id, at); });
}

TEST_F(ConsumedEventsTest, APairIsNewOncePerConsumer) {
  EXPECT_TRUE(Mark(*catalog_, "play_counts", "e1", 1000));
  EXPECT_FALSE(Mark(*catalog_, "play_counts", "e1", 2000)) << "the same pair again";
  EXPECT_TRUE(Mark(*catalog_, "popularity", "e1", 1000)) << "another consumer";
  EXPECT_TRUE(Mark(*catalog_, "play_counts", "e2", 1000)) << "another event";
  Write([](CatalogTransaction& tx) {
    EXPECT_TRUE(tx.events().MarkConsumed("history", "e3", 1000));
    EXPECT_FALSE(tx.events().MarkConsumed("history", "e3", 1000)) << "within one transaction";
  });
  EXPECT_THROW(Mark(*catalog_, "", "e1", 1000), std::invalid_argument);
  EXPECT_THROW(Mark(*catalog_, std::string(65, 'c'), "e1", 1000), std::invalid_argument);
}

TEST_F(ConsumedEventsTest, ARolledBackMarkIsForgotten) {
  EXPECT_THROW(Write([](CatalogTransaction& tx) {
                 EXPECT_TRUE(tx.events().MarkConsumed("play_counts", "e1", 1000));
                 throw std::runtime_error("the consumer's effect failed");
               }),
               std::runtime_error);
  EXPECT_TRUE(Mark(*catalog_, "play_counts", "e1", 1000)) << "applied again after the rollback";
}

TEST_F(ConsumedEventsTest, PairsOlderThanTheCutOffAreForgottenUpToTheLimit) {
  for (int i = 0; i < 5; ++i) Mark(*catalog_, "play_counts", "old" + std::to_string(i), 1000 + i);
  Mark(*catalog_, "play_counts", "new", 5000);
  auto forget = [&](Timestamp before, int limit) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.events().ForgetConsumedBefore(before, limit); });
  };
  EXPECT_EQ(forget(5000, 3), 3);
  EXPECT_EQ(forget(5000, 3), 2);
  EXPECT_EQ(forget(5000, 3), 0);
  EXPECT_TRUE(Mark(*catalog_, "play_counts", "old0", 6000)) << "forgotten: new again";
  EXPECT_FALSE(Mark(*catalog_, "play_counts", "new", 6000)) << "kept: not older than the cut-off";
  EXPECT_THROW(forget(5000, 0), std::invalid_argument);
  EXPECT_THROW(forget(5000, 10001), std::invalid_argument);
}

TEST_F(ConsumedEventsTest, ConcurrentMarksOfOnePairLetExactlyOneApply) {
  constexpr int kThreads = 4;
  constexpr int kEvents = 30;
  std::atomic<int> new_pairs{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int e = 0; e < kEvents; ++e) {
        if (Mark(*catalog_, "play_counts", "e" + std::to_string(e), 1000)) ++new_pairs;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(new_pairs.load(), kEvents);
}

}  // namespace
}  // namespace cadenza::testing
