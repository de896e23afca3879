// Retention of the event tables on a real catalogue: events accepted, applied by the pump,
// then pruned with the clock moved past each window.
#include "services/events/event_retention.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "account_test_env.h"
#include "services/events/event_consumers.h"
#include "services/events/event_pump.h"
#include "services/events/listening_events.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using test_env::ErrorFrom;

constexpr auto kDay = hours(24);

class EventRetentionTest : public test_env::ServiceTestEnv {
 protected:
  void SetUp() override {
    ServiceTestEnv::SetUp();
    listener_ = NewAccount(Role::kListener, "listener");
    Principal label = NewAccount(Role::kArtist, "label");
    Album album = NewAlbum(label, NewArtist(label).id);
    for (int i = 0; i < 2; ++i) tracks_.push_back(ReadyTrack(album.id, "T" + std::to_string(i)));
    events_ = std::make_unique<ListeningEventService>(*catalog_, manual_, ids_, limit_);
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

  // One full play-through at the manual clock's time: started, then ended.
  std::vector<ClientEvent> Play(const Track& track, const std::string& play_id) {
    return {ClientEvent{.type = "play_started", .track_id = track.id, .play_id = play_id,
                        .position_ms = 0, .occurred_at = manual_.Now()},
            ClientEvent{.type = "play_ended", .track_id = track.id, .play_id = play_id,
                        .position_ms = 199000, .occurred_at = manual_.Now()}};
  }

  EventRetentionOptions Options() {
    EventRetentionOptions options;
    options.consumers = EventPump(*catalog_, StandardConsumers()).ConsumerNames();
    return options;
  }

  std::vector<OutboxRecord> Outbox() {
    return catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.events().ListAfter(0, 1000); });
  }
  std::int64_t Plays(const Track& track) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.listening().TrackPlays(track.id); });
  }
  std::int64_t UserPlays(const Track& track) {
    auto row = catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.listening().UserTrack(listener_.user_id, track.id);
    });
    return row ? row->plays : 0;
  }
  // Plays of the track on the day of `at`, as the popularity consumer keeps them.
  std::int64_t DailyPlays(const Track& track, Timestamp at) {
    const std::int64_t day = EpochDay(at);
    auto rows = catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.listening().Popular(day, day, 50, 0); });
    for (const TrackListening& row : rows) {
      if (row.track_id == track.id) return row.plays;
    }
    return 0;
  }

  test_support::ManualClock manual_{SystemClock().Now()};
  EventRateLimit limit_{manual_, 0};
  std::unique_ptr<ListeningEventService> events_;
  Principal listener_;
  std::vector<Track> tracks_;
};

TEST_F(EventRetentionTest, AppliedRecordsGoAndThoseAStoppedConsumerNeedsStay) {
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  EventPump(*catalog_, StandardConsumers()).Drain();
  // Only the play-count consumer runs for the second play: the other two stop behind it.
  events_->Accept(listener_, Play(tracks_[1], "p2"));
  std::vector<std::unique_ptr<EventConsumer>> play_count;
  play_count.push_back(MakePlayCountConsumer());
  EventPump(*catalog_, std::move(play_count)).Drain();
  std::vector<OutboxRecord> before = Outbox();
  ASSERT_EQ(before.size(), 6u);

  manual_.Advance(7 * kDay + minutes(1));
  EventRetention retention(*catalog_, manual_, Options());
  RetentionReport report = retention.RunOnce();

  EXPECT_EQ(report.outbox_records, 3);
  std::vector<OutboxRecord> after = Outbox();
  ASSERT_EQ(after.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(after[i].seq, before[i + 3].seq);
  // The stopped consumers catch up on what was kept; counts are what they were.
  EventPump(*catalog_, StandardConsumers()).Drain();
  EXPECT_EQ(Plays(tracks_[0]), 1);
  EXPECT_EQ(Plays(tracks_[1]), 1);
  EXPECT_EQ(UserPlays(tracks_[0]), 1);
  EXPECT_EQ(UserPlays(tracks_[1]), 1);
  // Once all have applied them, the rest go too.
  EXPECT_EQ(retention.RunOnce().outbox_records, 3);
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(EventRetentionTest, NothingNewerThanTheWindowGoes) {
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  EventPump(*catalog_, StandardConsumers()).Drain();
  manual_.Advance(7 * kDay - minutes(1));
  RetentionReport report = EventRetention(*catalog_, manual_, Options()).RunOnce();
  EXPECT_EQ(report.outbox_records, 0);
  EXPECT_EQ(report.play_throughs, 0);
  EXPECT_EQ(report.daily_plays, 0);
  EXPECT_EQ(Outbox().size(), 3u);
}

TEST_F(EventRetentionTest, WithARelayOnlyPublishedRecordsGo) {
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  EventPump(*catalog_, StandardConsumers()).Drain();
  std::vector<OutboxRecord> records = Outbox();
  ASSERT_EQ(records.size(), 3u);
  catalog_->Write([&](CatalogTransaction& tx) {
    tx.events().MarkPublished({records[0].seq, records[2].seq});
  });
  manual_.Advance(8 * kDay);
  EventRetentionOptions options = Options();
  options.require_published = true;
  EXPECT_EQ(EventRetention(*catalog_, manual_, options).RunOnce().outbox_records, 2);
  std::vector<OutboxRecord> kept = Outbox();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].seq, records[1].seq);

  // With a relay and no in-process consumers (Kafka's consumers apply the events), published
  // records go even though no pump position covers them.
  catalog_->Write([&](CatalogTransaction& tx) { tx.events().MarkPublished({kept[0].seq}); });
  options.consumers.clear();
  EXPECT_EQ(EventRetention(*catalog_, manual_, options).RunOnce().outbox_records, 1);
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(EventRetentionTest, AConsumerThatNeverRanKeepsTheWholeOutbox) {
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  manual_.Advance(30 * kDay);
  EXPECT_EQ(EventRetention(*catalog_, manual_, Options()).RunOnce().outbox_records, 0);
  EXPECT_EQ(Outbox().size(), 3u);
}

TEST_F(EventRetentionTest, AReplayedPlayAfterItsPlayThroughWentIsRefusedAsTooOld) {
  std::vector<ClientEvent> play = Play(tracks_[0], "p1");
  events_->Accept(listener_, play);
  EventPump pump(*catalog_, StandardConsumers());
  pump.Drain();
  ASSERT_EQ(Plays(tracks_[0]), 1);

  // While its events are young enough to be accepted, the play-through stays, and a replayed
  // end finds it counted.
  manual_.Advance(6 * kDay);
  EventRetention retention(*catalog_, manual_, Options());
  EXPECT_EQ(retention.RunOnce().play_throughs, 0);
  events_->Accept(listener_, {play[1]});
  pump.Drain();
  ASSERT_EQ(Plays(tracks_[0]), 1);
  // It stays a day past the oldest accepted age...
  manual_.Advance(kDay + hours(23));
  EXPECT_EQ(retention.RunOnce().play_throughs, 0);
  // ...and then goes.
  manual_.Advance(hours(1) + minutes(1));
  EXPECT_EQ(retention.RunOnce().play_throughs, 1);
  // Without the play-through, only the age check stands between a replay and a second play.
  Error replay = ErrorFrom([&] { events_->Accept(listener_, play); });
  EXPECT_EQ(replay.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(std::string(replay.what()).find("events[0].occurredAt: is too old"),
            std::string::npos)
      << replay.what();
  pump.Drain();
  EXPECT_EQ(Plays(tracks_[0]), 1);
  EXPECT_EQ(UserPlays(tracks_[0]), 1);
}

TEST_F(EventRetentionTest, DailyPlaysGoAfterThirtyFiveDaysAndTotalsStay) {
  const Timestamp first_day = manual_.Now();
  events_->Accept(listener_, Play(tracks_[0], "p1"));
  manual_.Advance(kDay);
  const Timestamp second_day = manual_.Now();
  events_->Accept(listener_, Play(tracks_[0], "p2"));
  EventPump(*catalog_, StandardConsumers()).Drain();
  ASSERT_EQ(DailyPlays(tracks_[0], first_day), 1);
  ASSERT_EQ(DailyPlays(tracks_[0], second_day), 1);

  // 35 days after the first day, it is still kept; a day later it goes, the second stays.
  manual_.Set(first_day + std::chrono::milliseconds(35 * kDay).count());
  EventRetention retention(*catalog_, manual_, Options());
  EXPECT_EQ(retention.RunOnce().daily_plays, 0);
  manual_.Advance(kDay);
  EXPECT_EQ(retention.RunOnce().daily_plays, 1);
  EXPECT_EQ(DailyPlays(tracks_[0], first_day), 0);
  EXPECT_EQ(DailyPlays(tracks_[0], second_day), 1);
  EXPECT_EQ(Plays(tracks_[0]), 2);
  EXPECT_EQ(UserPlays(tracks_[0]), 2);
}

TEST_F(EventRetentionTest, ABacklogGoesInBatchesUntilOneComesBackShort) {
  for (int i = 0; i < 5; ++i) {
    events_->Accept(listener_, Play(tracks_[i % 2], "p" + std::to_string(i)));
  }
  EventPump(*catalog_, StandardConsumers()).Drain();
  ASSERT_EQ(Outbox().size(), 15u);
  manual_.Advance(9 * kDay);
  EventRetentionOptions options = Options();
  options.batch = 4;  // 15 records: batches of 4, 4, 4, 3
  RetentionReport report = EventRetention(*catalog_, manual_, options).RunOnce();
  EXPECT_EQ(report.outbox_records, 15);
  EXPECT_EQ(report.play_throughs, 5);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(Plays(tracks_[0]), 3);
  EXPECT_EQ(Plays(tracks_[1]), 2);
}

TEST_F(EventRetentionTest, OptionsThatWouldPruneBlindlyAreRefused) {
  EventRetentionOptions no_reader;  // no consumers, no relay
  EXPECT_THROW(EventRetention(*catalog_, manual_, no_reader), std::invalid_argument);
  no_reader.outbox_retention = std::chrono::milliseconds(0);  // the outbox is kept: fine
  EXPECT_NO_THROW(EventRetention(*catalog_, manual_, no_reader));
  EventRetentionOptions big = Options();
  big.batch = 10001;
  EXPECT_THROW(EventRetention(*catalog_, manual_, big), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
