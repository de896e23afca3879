// Listening events end to end below HTTP: validation and play-through counting when a batch is
// accepted, then the pump applying the outbox to the consumers' tables exactly once.
#include "services/events/listening_events.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>

#include "account_test_env.h"
#include "services/events/event_consumers.h"
#include "services/events/event_pump.h"
#include "services/events/listening_stats.h"

namespace cadenza {
namespace {

using test_env::ErrorFrom;

class ListeningEventsTest : public test_env::ServiceTestEnv {
 protected:
  void SetUp() override {
    ServiceTestEnv::SetUp();
    listener_ = NewAccount(Role::kListener, "listener");
    other_ = NewAccount(Role::kListener, "other");
    Principal label = NewAccount(Role::kArtist, "label");
    Album album = NewAlbum(label, NewArtist(label).id);
    for (int i = 0; i < 3; ++i) tracks_.push_back(ReadyTrack(album.id, "T" + std::to_string(i)));
    pending_ = NewTrack(album.id, "still processing");
    events_ = std::make_unique<ListeningEventService>(*catalog_, clock_, ids_, limit_);
  }

  void TearDown() override {
    events_.reset();
    ServiceTestEnv::TearDown();
  }

  Track ReadyTrack(const std::string& album_id, const std::string& title) {
    Track track = NewTrack(album_id, title);
    track.status = TrackStatus::kReady;
    track.duration_ms = 200000;
    catalog_->Write([&](CatalogTransaction& tx) { tx.tracks().Update(track); });
    return track;
  }

  ClientEvent At(std::string type, const Track& track, std::string play_id,
                 std::int64_t position_ms = 0) {
    return ClientEvent{.type = std::move(type), .track_id = track.id, .play_id = std::move(play_id),
                       .position_ms = position_ms, .occurred_at = clock_.Now()};
  }

  // One full play-through: started, then ended.
  std::vector<ClientEvent> Play(const Track& track, const std::string& play_id) {
    return {At("play_started", track, play_id), At("play_ended", track, play_id, 199000)};
  }

  std::int64_t Plays(const Track& track) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.listening().TrackPlays(track.id); });
  }
  std::int64_t UserPlays(const Principal& who, const Track& track) {
    auto row = catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.listening().UserTrack(who.user_id, track.id); });
    return row ? row->plays : 0;
  }
  std::int64_t PopularPlays(const Track& track) {
    ListeningStats stats(*catalog_, clock_);
    for (const PlayedTrack& played : stats.Popular(50, 0)) {
      if (played.track.id == track.id) return played.plays;
    }
    return 0;
  }
  std::vector<OutboxRecord> Outbox() {
    return catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListAfter(0, 1000); });
  }
  std::int64_t Position(std::string_view consumer) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.events().ConsumerPosition(consumer); });
  }

  EventRateLimit limit_{clock_, 0};
  std::unique_ptr<ListeningEventService> events_;
  Principal listener_, other_;
  std::vector<Track> tracks_;
  Track pending_;
};

TEST_F(ListeningEventsTest, AnAcceptedBatchGetsUniqueIdsInTheOutboxInOrder) {
  std::vector<std::string> ids = events_->Accept(listener_, Play(tracks_[0], "p1"));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
  std::vector<OutboxRecord> records = Outbox();
  // The two events, then the play they make.
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].event.id, ids[0]);
  EXPECT_EQ(records[0].event.type, "play_started");
  EXPECT_EQ(records[1].event.id, ids[1]);
  EXPECT_EQ(records[1].event.position_ms, 199000);
  EXPECT_EQ(records[2].event.type, kPlayCountedEvent);
  for (const OutboxRecord& r : records) {
    EXPECT_EQ(r.event.user_id, listener_.user_id);
    EXPECT_EQ(r.event.key, listener_.user_id);
    EXPECT_EQ(r.event.subject_id, tracks_[0].id);
    EXPECT_EQ(r.event.attributes_json, R"({"play_id":"p1"})");
  }
}

TEST_F(ListeningEventsTest, APlayThroughCountsOnceAndFakeEndsCountNothing) {
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  // The same play-through ended again and again: still one play.
  std::vector<ClientEvent> replays(20, At("play_ended", tracks_[0], "p1", 199000));
  events_->Accept(listener_, replays);
  // Ends without a start: nothing.
  events_->Accept(listener_, {At("play_ended", tracks_[1], "never-started", 199000),
                              At("play_ended", tracks_[1], "never-started-2", 199000)});
  // A start for one track and an end naming another: nothing.
  events_->Accept(listener_, {At("play_started", tracks_[1], "p2"),
                              At("play_ended", tracks_[2], "p2", 1000)});
  // 30 s of progress counts before the end, and the end then adds nothing.
  events_->Accept(listener_, {At("play_started", tracks_[2], "p3"),
                              At("play_progress", tracks_[2], "p3", 10000),
                              At("play_progress", tracks_[2], "p3", 30000),
                              At("play_ended", tracks_[2], "p3", 199000)});
  // A skip is no play.
  events_->Accept(other_, {At("play_started", tracks_[1], "p1"), At("skipped", tracks_[1], "p1", 5000)});

  EventPump pump(*catalog_, StandardConsumers());
  pump.Drain();
  EXPECT_EQ(Plays(tracks_[0]), 1);
  EXPECT_EQ(Plays(tracks_[1]), 0);
  EXPECT_EQ(Plays(tracks_[2]), 1);
  EXPECT_EQ(UserPlays(listener_, tracks_[0]), 1);
  EXPECT_EQ(UserPlays(other_, tracks_[1]), 0);
  EXPECT_EQ(PopularPlays(tracks_[0]), 1);
}

TEST_F(ListeningEventsTest, EveryRefusedEventIsNamedAndNothingIsRecorded) {
  ClientEvent unknown_type = At("paused", tracks_[0], "p1");
  ClientEvent bad_play_id = At("play_started", tracks_[0], "has space");
  ClientEvent future = At("play_started", tracks_[0], "p1");
  future.occurred_at += 10 * 60 * 1000;
  ClientEvent old = At("play_started", tracks_[0], "p1");
  old.occurred_at -= 8LL * 24 * 3600 * 1000;
  Error shape = ErrorFrom([&] {
    events_->Accept(listener_, {At("play_started", tracks_[0], "ok"), unknown_type, bad_play_id,
                                future, old});
  });
  EXPECT_EQ(shape.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(shape.field(), "events[1].type");
  for (const char* part : {"events[1].type: unknown type", "events[2].playId",
                           "events[3].occurredAt: is in the future",
                           "events[4].occurredAt: is too old"}) {
    EXPECT_NE(std::string(shape.what()).find(part), std::string::npos) << shape.what();
  }

  ClientEvent unknown_track = At("play_started", tracks_[0], "p1");
  unknown_track.track_id = ids_.Next();
  Error tracks = ErrorFrom([&] {
    events_->Accept(listener_, {unknown_track, At("play_started", pending_, "p1"),
                                At("play_progress", tracks_[0], "p1", 205001),
                                At("play_progress", tracks_[0], "p1", 205000)});
  });
  EXPECT_EQ(tracks.field(), "events[0].trackId");
  for (const char* part : {"events[0].trackId: no such track",
                           "events[1].trackId: the track is not ready",
                           "events[2].positionMs: is beyond the track's duration"}) {
    EXPECT_NE(std::string(tracks.what()).find(part), std::string::npos) << tracks.what();
  }
  EXPECT_EQ(std::string(tracks.what()).find("events[3]"), std::string::npos) << "within slack";
  EXPECT_EQ(ErrorFrom([&] { events_->Accept(listener_, {}); }).field(), "events");
  std::vector<ClientEvent> too_many(101, At("play_started", tracks_[0], "p1"));
  EXPECT_EQ(ErrorFrom([&] { events_->Accept(listener_, too_many); }).field(), "events");
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(ListeningEventsTest, TheRateLimitRefusesWithRetryAfterAndRefills) {
  test_support::ManualClock clock(1'700'000'000'000);
  EventRateLimit limit(clock, 60);  // one a second
  limit.Take("a", 50);
  limit.Take("a", 10);
  Error refused = ErrorFrom([&] { limit.Take("a", 5); });
  EXPECT_EQ(refused.code(), ErrorCode::kTooManyRequests);
  EXPECT_EQ(refused.retry_after_seconds(), 5);
  ASSERT_TRUE(refused.limit());
  EXPECT_EQ(refused.limit()->name, "max_events_per_minute");
  limit.Take("b", 60);  // another listener has a budget of its own
  clock.Advance(std::chrono::seconds(5));
  limit.Take("a", 5);
  EXPECT_EQ(ErrorFrom([&] { limit.Take("a", 1); }).code(), ErrorCode::kTooManyRequests);
}

TEST_F(ListeningEventsTest, ReplayingTheSameRecordsTwiceCountsThemOnce) {
  for (int i = 0; i < 5; ++i) events_->Accept(listener_, Play(tracks_[0], "p" + std::to_string(i)));
  EventPump pump(*catalog_, StandardConsumers());
  EXPECT_EQ(pump.Drain(), 15 * 3);  // 15 records for each of three consumers
  EXPECT_EQ(pump.Drain(), 0);
  // A second pump (another instance) finds nothing left either.
  EventPump again(*catalog_, StandardConsumers());
  EXPECT_EQ(again.Drain(), 0);
  EXPECT_EQ(Plays(tracks_[0]), 5);
  EXPECT_EQ(UserPlays(listener_, tracks_[0]), 5);
  EXPECT_EQ(PopularPlays(tracks_[0]), 5);
  // The outbox itself refuses a second record with the same event id.
  OutboxRecord first = Outbox().front();
  EXPECT_EQ(ErrorFrom([&] {
              catalog_->Write([&](CatalogTransaction& tx) { tx.events().Append(first.event); });
            }).code(),
            ErrorCode::kConflict);
}

TEST_F(ListeningEventsTest, AConsumerThatWasStoppedCatchesUpExactly) {
  std::vector<std::unique_ptr<EventConsumer>> counts_only;
  counts_only.push_back(MakePlayCountConsumer());
  EventPump running(*catalog_, std::move(counts_only), /*batch=*/3);
  for (int i = 0; i < 4; ++i) {
    events_->Accept(listener_, Play(tracks_[i % 2], "p" + std::to_string(i)));
    running.Drain();  // the history consumer is down meanwhile
  }
  EXPECT_EQ(Plays(tracks_[0]), 2);
  EXPECT_EQ(UserPlays(listener_, tracks_[0]), 0);
  EXPECT_EQ(Position("listening_history"), 0);

  std::vector<std::unique_ptr<EventConsumer>> history_only;
  history_only.push_back(MakeListeningHistoryConsumer());
  EventPump restarted(*catalog_, std::move(history_only), /*batch=*/5);
  EXPECT_EQ(restarted.Drain(), 12);
  EXPECT_EQ(UserPlays(listener_, tracks_[0]), 2);
  EXPECT_EQ(UserPlays(listener_, tracks_[1]), 2);
  EXPECT_EQ(Plays(tracks_[0]), 2);
  EXPECT_EQ(Position("listening_history"), Position("play_counts"));
}

// Counts plays like the real consumer, then fails on a chosen record: the pump's transaction
// holds the effects of the records before it.
class FailingPlayCounts final : public EventConsumer {
 public:
  explicit FailingPlayCounts(std::int64_t fail_at_seq) : fail_at_seq_(fail_at_seq) {}
  std::string_view name() const override { return "play_counts"; }
  void Apply(CatalogTransaction& tx, const OutboxRecord& record) override {
    real_->Apply(tx, record);
    if (record.seq == fail_at_seq_) throw std::runtime_error("killed between effect and position");
  }

 private:
  std::int64_t fail_at_seq_;
  std::unique_ptr<EventConsumer> real_ = MakePlayCountConsumer();
};

TEST_F(ListeningEventsTest, AFailedBatchLeavesNeitherItsEffectsNorItsPosition) {
  for (int i = 0; i < 3; ++i) events_->Accept(listener_, Play(tracks_[0], "p" + std::to_string(i)));
  std::vector<OutboxRecord> records = Outbox();
  ASSERT_EQ(records.size(), 9u);
  std::vector<std::unique_ptr<EventConsumer>> failing;
  failing.push_back(std::make_unique<FailingPlayCounts>(records.back().seq));
  EventPump broken(*catalog_, std::move(failing));
  EXPECT_THROW(broken.RunOnce(), std::runtime_error);
  // Two plays were counted inside the rolled-back transaction: neither they nor the position
  // stayed.
  EXPECT_EQ(Plays(tracks_[0]), 0);
  EXPECT_EQ(Position("play_counts"), 0);

  EventPump fixed(*catalog_, StandardConsumers());
  fixed.Drain();
  EXPECT_EQ(Plays(tracks_[0]), 3);
  EXPECT_EQ(Position("play_counts"), records.back().seq);
}

TEST_F(ListeningEventsTest, PumpsRunningAtOnceCountEachPlayOnce) {
  constexpr int kPumps = 3;
  constexpr int kPlays = 40;
  std::atomic<bool> producing{true};
  std::vector<std::thread> pumps;
  std::atomic<int> failures{0};
  for (int p = 0; p < kPumps; ++p) {
    pumps.emplace_back([&] {
      EventPump pump(*catalog_, StandardConsumers(), /*batch=*/4);
      while (producing.load()) {
        try {
          pump.Drain();
        } catch (const std::exception&) {
          failures.fetch_add(1);  // a busy database: the next round retries
        }
      }
      pump.Drain();
    });
  }
  for (int i = 0; i < kPlays; ++i) {
    events_->Accept(i % 2 ? listener_ : other_, Play(tracks_[i % 3], "p" + std::to_string(i)));
  }
  producing.store(false);
  for (auto& t : pumps) t.join();
  EventPump(*catalog_, StandardConsumers()).Drain();
  std::int64_t total = 0;
  for (const Track& t : tracks_) total += Plays(t);
  EXPECT_EQ(total, kPlays);
  EXPECT_EQ(Plays(tracks_[0]), 14);
  EXPECT_EQ(UserPlays(listener_, tracks_[1]) + UserPlays(other_, tracks_[1]), 13);
  EXPECT_EQ(PopularPlays(tracks_[2]), 13);
}

}  // namespace
}  // namespace cadenza
