#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <stdexcept>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using EventOutboxTest = CatalogTest;

Event MakeEvent(std::string id, std::string type = "play_started") {
  Event event;
  event.id = std::move(id);
  event.type = std::move(type);
  event.key = "u1";
  event.user_id = "u1";
  event.subject_id = "t1";
  event.position_ms = 1234;
  event.occurred_at = 1000;
  event.recorded_at = 2000;
  event.attributes_json = R"({"play_id":"p1"})";
  return event;
}

std::vector<std::string> Ids(const std::vector<OutboxRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& r : records) ids.push_back(r.event.id);
  return ids;
}

TEST_F(EventOutboxTest, AppendedEventsReadBackInCommitOrderWithEveryField) {
  Write([](CatalogTransaction& tx) {
    tx.events().Append(MakeEvent("e1"));
    tx.events().Append(MakeEvent("e2", "play_ended"));
  });
  Write([](CatalogTransaction& tx) { tx.events().Append(MakeEvent("e0", "skipped")); });

  auto all = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); });
  ASSERT_EQ(Ids(all), (Strings{"e1", "e2", "e0"}));  // seq order, not id order
  EXPECT_LT(all[0].seq, all[1].seq);
  EXPECT_LT(all[1].seq, all[2].seq);
  const Event& e = all[1].event;
  EXPECT_EQ(e.type, "play_ended");
  EXPECT_EQ(e.key, "u1");
  EXPECT_EQ(e.user_id, "u1");
  EXPECT_EQ(e.subject_id, "t1");
  EXPECT_EQ(e.position_ms, 1234);
  EXPECT_EQ(e.occurred_at, 1000);
  EXPECT_EQ(e.recorded_at, 2000);
  EXPECT_EQ(e.attributes_json, R"({"play_id":"p1"})");

  auto rest = catalog_->ReadValue(
      [&](CatalogTransaction& tx) { return tx.events().ListAfter(all[0].seq, 10); });
  EXPECT_EQ(Ids(rest), (Strings{"e2", "e0"}));
  auto one = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 1); });
  EXPECT_EQ(Ids(one), (Strings{"e1"}));
}

TEST_F(EventOutboxTest, RolledBackAppendLeavesNoRecord) {
  EXPECT_THROW(Write([](CatalogTransaction& tx) {
                 tx.events().Append(MakeEvent("gone"));
                 throw std::runtime_error("cause failed");
               }),
               std::runtime_error);
  auto all = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); });
  EXPECT_TRUE(all.empty());
}

TEST_F(EventOutboxTest, DuplicateIdIsAConflictAndEmptyIdIsRefused) {
  Write([](CatalogTransaction& tx) { tx.events().Append(MakeEvent("e1")); });
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.events().Append(MakeEvent("e1")); });
            }),
            ErrorCode::kConflict);
  EXPECT_THROW(Write([](CatalogTransaction& tx) { tx.events().Append(MakeEvent("")); }),
               std::invalid_argument);
}

TEST_F(EventOutboxTest, UnpublishedUntilMarked) {
  Write([](CatalogTransaction& tx) {
    for (const char* id : {"e1", "e2", "e3"}) tx.events().Append(MakeEvent(id));
  });
  auto unpublished =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListUnpublished(10); });
  ASSERT_EQ(Ids(unpublished), (Strings{"e1", "e2", "e3"}));
  Write([&](CatalogTransaction& tx) {
    tx.events().MarkPublished({unpublished[0].seq, unpublished[2].seq, 999999});
  });
  EXPECT_EQ(Ids(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.events().ListUnpublished(10); })),
            (Strings{"e2"}));
  // Publishing does not hide records from in-process consumers.
  EXPECT_EQ(catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); })
                .size(),
            3u);
}

TEST_F(EventOutboxTest, ConsumerPositionsAreStoredPerConsumerAndRollBack) {
  auto position = [&](const char* name) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.events().ConsumerPosition(name); });
  };
  EXPECT_EQ(position("play_counts"), 0);
  Write([](CatalogTransaction& tx) { tx.events().SetConsumerPosition("play_counts", 7); });
  Write([](CatalogTransaction& tx) { tx.events().SetConsumerPosition("history", 3); });
  EXPECT_EQ(position("play_counts"), 7);
  EXPECT_EQ(position("history"), 3);
  EXPECT_THROW(Write([](CatalogTransaction& tx) {
                 tx.events().SetConsumerPosition("play_counts", 9);
                 throw std::runtime_error("effect failed");
               }),
               std::runtime_error);
  EXPECT_EQ(position("play_counts"), 7);
  EXPECT_THROW(position(""), std::invalid_argument);
}

Event RecordedAt(std::string id, Timestamp recorded_at) {
  Event event = MakeEvent(std::move(id));
  event.recorded_at = recorded_at;
  return event;
}

TEST_F(EventOutboxTest, ForgetBeforeKeepsNewRecordsThoseBeyondTheSeqAndUnpublishedOnes) {
  Write([](CatalogTransaction& tx) {
    tx.events().Append(RecordedAt("e1", 100));
    tx.events().Append(RecordedAt("e2", 200));
    tx.events().Append(RecordedAt("e3", 300));
    tx.events().Append(RecordedAt("e4", 400));
    tx.events().Append(RecordedAt("e5", 1000));
  });
  auto all = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); });
  ASSERT_EQ(all.size(), 5u);
  Write([&](CatalogTransaction& tx) {
    tx.events().MarkPublished({all[0].seq, all[1].seq, all[3].seq, all[4].seq});
  });
  auto forget = [&](Timestamp before, std::int64_t up_to_seq, bool published, int limit) {
    return catalog_->WriteValue([&](CatalogTransaction& tx) {
      return tx.events().ForgetBefore(before, up_to_seq, published, limit);
    });
  };
  auto left = [&] {
    return Ids(catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); }));
  };
  const std::int64_t kAny = std::numeric_limits<std::int64_t>::max();
  // Up to e2's seq only, though e4 is old and published too.
  EXPECT_EQ(forget(1000, all[1].seq, true, 100), 2);
  EXPECT_EQ(left(), (Strings{"e3", "e4", "e5"}));
  // e3 has not been published: it stays while publication is required.
  EXPECT_EQ(forget(1000, kAny, true, 100), 1);
  EXPECT_EQ(left(), (Strings{"e3", "e5"}));
  EXPECT_EQ(Ids(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.events().ListUnpublished(10); })),
            (Strings{"e3"}));
  EXPECT_EQ(forget(1000, kAny, false, 100), 1);
  // e5 was recorded at the cut itself: not before it.
  EXPECT_EQ(forget(1000, kAny, false, 100), 0);
  EXPECT_EQ(left(), (Strings{"e5"}));
  EXPECT_EQ(forget(1001, kAny, false, 100), 1);
  EXPECT_TRUE(left().empty());
  // Seqs are never reused: an append after the forget comes after every seq handed out.
  Write([](CatalogTransaction& tx) { tx.events().Append(RecordedAt("e6", 100)); });
  auto e6 = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 10); });
  ASSERT_EQ(e6.size(), 1u);
  EXPECT_GT(e6[0].seq, all[4].seq);
}

TEST_F(EventOutboxTest, ForgetBeforeHonoursItsLimitAndRollsBack) {
  Write([](CatalogTransaction& tx) {
    for (const char* id : {"e1", "e2", "e3", "e4", "e5"}) tx.events().Append(RecordedAt(id, 100));
  });
  auto forget = [&](int limit) {
    return catalog_->WriteValue([&](CatalogTransaction& tx) {
      return tx.events().ForgetBefore(200, std::numeric_limits<std::int64_t>::max(), false,
                                      limit);
    });
  };
  EXPECT_THROW(Write([](CatalogTransaction& tx) {
                 tx.events().ForgetBefore(200, std::numeric_limits<std::int64_t>::max(), false,
                                          100);
                 throw std::runtime_error("rolled back");
               }),
               std::runtime_error);
  EXPECT_EQ(forget(2), 2);
  EXPECT_EQ(forget(2), 2);
  EXPECT_EQ(forget(2), 1);
  EXPECT_EQ(forget(2), 0);
  EXPECT_THROW(forget(0), std::invalid_argument);
  EXPECT_THROW(forget(10001), std::invalid_argument);
}

// Appenders hold their transaction open a little after appending, so that transactions that
// drew later seqs often commit first; a reader that only remembers its last seq must still see
// every record exactly once.
TEST_F(EventOutboxTest, ConcurrentAppendsAreNeverSkippedByAReaderFollowingSeq) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 60;
  auto catalog = Open(kThreads + 2);
  std::atomic<int> appenders_left{kThreads};
  std::vector<std::thread> appenders;
  for (int t = 0; t < kThreads; ++t) {
    appenders.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        catalog->Write([&](CatalogTransaction& tx) {
          tx.events().Append(MakeEvent("e-" + std::to_string(t) + "-" + std::to_string(i)));
          std::this_thread::sleep_for(std::chrono::microseconds((i * 7 + t * 13) % 1500));
        });
      }
      appenders_left.fetch_sub(1);
    });
  }
  std::vector<std::string> seen;
  std::int64_t last = 0;
  bool ordered = true;
  auto drain = [&] {
    auto records = catalog->ReadValue(
        [&](CatalogTransaction& tx) { return tx.events().ListAfter(last, 50); });
    for (const auto& r : records) {
      ordered = ordered && r.seq > last;
      last = r.seq;
      seen.push_back(r.event.id);
    }
    return records.size();
  };
  while (appenders_left.load() > 0) drain();
  for (auto& a : appenders) a.join();
  while (drain() > 0) {
  }
  EXPECT_TRUE(ordered);
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a record was read twice";
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kPerThread))
      << "a record was skipped";
}

}  // namespace
}  // namespace cadenza::testing
