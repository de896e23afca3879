#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

class ListeningRepositoryTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    SeedAlbum();
    Write([](CatalogTransaction& tx) {
      for (const char* id : {"t1", "t2", "t3"}) tx.tracks().Insert(MakeTrack(id, "al1"));
      tx.users().Insert(MakeUser("l1", "listener@example.com", Role::kListener));
    });
  }

  std::vector<std::string> TrackIds(const std::vector<TrackListening>& rows) {
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r.track_id + ":" + std::to_string(r.plays));
    return ids;
  }
};

TEST_F(ListeningRepositoryTest, PlayThroughIsStartedOnceAndCountedOnce) {
  EXPECT_TRUE(catalog_->WriteValue([](CatalogTransaction& tx) {
    return tx.listening().StartPlayThrough("l1", "p1", "t1", 100);
  }));
  // The same play id again (another track named or not) keeps the first.
  EXPECT_FALSE(catalog_->WriteValue([](CatalogTransaction& tx) {
    return tx.listening().StartPlayThrough("l1", "p1", "t2", 200);
  }));
  auto track = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.listening().UncountedPlayThrough("l1", "p1"); });
  EXPECT_EQ(track, "t1");
  Write([](CatalogTransaction& tx) { tx.listening().MarkPlayThroughCounted("l1", "p1"); });
  EXPECT_EQ(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.listening().UncountedPlayThrough("l1", "p1"); }),
            std::nullopt);
  EXPECT_EQ(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.listening().UncountedPlayThrough("l1", "p9"); }),
            std::nullopt);
  // Another listener's play id of the same name is its own.
  EXPECT_TRUE(catalog_->WriteValue([](CatalogTransaction& tx) {
    return tx.listening().StartPlayThrough("u1", "p1", "t2", 100);
  }));
}

TEST_F(ListeningRepositoryTest, EffectsAddUpAndReadInTheirOrders) {
  Write([](CatalogTransaction& tx) {
    auto& l = tx.listening();
    l.AddTrackPlay("t1");
    l.AddTrackPlay("t1");
    l.AddTrackPlay("t2");
    l.AddUserPlay("l1", "t1", 1000);
    l.AddUserPlay("l1", "t1", 3000);
    l.AddUserPlay("l1", "t2", 2000);
    l.AddUserPlay("l1", "t3", 500);
    l.AddUserPlay("l1", "t3", 400);  // an older event does not move last_played_at back
    l.AddUserPlay("l1", "t3", 450);
    l.AddDailyPlay("t1", 100);
    l.AddDailyPlay("t1", 101);
    l.AddDailyPlay("t2", 101);
    l.AddDailyPlay("t2", 101);
    l.AddDailyPlay("t2", 90);  // outside the window read below
    l.AddDailyPlay("t3", 102);
  });
  Read([&](CatalogTransaction& tx) {
    auto& l = tx.listening();
    EXPECT_EQ(l.TrackPlays("t1"), 2);
    EXPECT_EQ(l.TrackPlays("t2"), 1);
    EXPECT_EQ(l.TrackPlays("t3"), 0);
    EXPECT_EQ(l.TrackPlays("nope"), 0);
    auto t3 = l.UserTrack("l1", "t3");
    ASSERT_TRUE(t3);
    EXPECT_EQ(t3->plays, 3);
    EXPECT_EQ(t3->last_played_at, 500);
    EXPECT_EQ(TrackIds(l.RecentlyPlayed("l1", 10, 0)), (Strings{"t1:2", "t2:1", "t3:3"}));
    EXPECT_EQ(TrackIds(l.RecentlyPlayed("l1", 1, 1)), (Strings{"t2:1"}));
    EXPECT_EQ(TrackIds(l.MostPlayed("l1", 10, 0)), (Strings{"t3:3", "t1:2", "t2:1"}));
    EXPECT_EQ(TrackIds(l.Popular(95, 102, 10, 0)), (Strings{"t1:2", "t2:2", "t3:1"}));
    EXPECT_EQ(TrackIds(l.Popular(95, 102, 1, 2)), (Strings{"t3:1"}));
    EXPECT_TRUE(l.RecentlyPlayed("u1", 10, 0).empty());
  });
}

TEST_F(ListeningRepositoryTest, EffectsOnDeletedTracksAreIgnoredAndGoWithTheTrack) {
  Write([](CatalogTransaction& tx) {
    tx.listening().AddUserPlay("l1", "t1", 1000);
    tx.listening().AddDailyPlay("t1", 100);
  });
  Write([](CatalogTransaction& tx) { tx.tracks().Delete("t1"); });
  Write([](CatalogTransaction& tx) {
    tx.listening().AddTrackPlay("t1");
    tx.listening().AddUserPlay("l1", "t1", 2000);
    tx.listening().AddUserPlay("gone-user", "t2", 2000);
    tx.listening().AddDailyPlay("t1", 100);
  });
  Read([&](CatalogTransaction& tx) {
    EXPECT_TRUE(tx.listening().RecentlyPlayed("l1", 10, 0).empty());
    EXPECT_TRUE(tx.listening().Popular(0, 1000, 10, 0).empty());
  });
}

TEST_F(ListeningRepositoryTest, TopTracksOfAnArtistAreItsReadyTracksByPlays) {
  Write([](CatalogTransaction& tx) {
    tx.artists().Insert(MakeArtist("ar2", "u1"));
    tx.albums().Insert(MakeAlbum("al2", "ar2"));
    tx.tracks().Insert(MakeTrack("other", "al2"));
    for (const char* id : {"t1", "t2", "t3", "other"}) {
      Track track = *tx.tracks().FindById(id);
      track.status = TrackStatus::kReady;
      tx.tracks().Update(track);
    }
    for (int i = 0; i < 3; ++i) tx.listening().AddTrackPlay("t2");
    tx.listening().AddTrackPlay("t3");
    for (int i = 0; i < 9; ++i) tx.listening().AddTrackPlay("other");
  });
  Read([&](CatalogTransaction& tx) {
    EXPECT_EQ(TrackIds(tx.listening().TopTracksOfArtist("ar1", 10, 0)),
              (Strings{"t2:3", "t3:1", "t1:0"}));
    EXPECT_EQ(TrackIds(tx.listening().TopTracksOfArtist("ar1", 1, 1)), (Strings{"t3:1"}));
    EXPECT_TRUE(tx.listening().TopTracksOfArtist("nobody", 10, 0).empty());
  });
  Write([](CatalogTransaction& tx) {
    Track track = *tx.tracks().FindById("t2");
    track.status = TrackStatus::kProcessing;  // its audio is being replaced
    tx.tracks().Update(track);
  });
  Read([&](CatalogTransaction& tx) {
    EXPECT_EQ(TrackIds(tx.listening().TopTracksOfArtist("ar1", 10, 0)),
              (Strings{"t3:1", "t1:0"}));
  });
}

TEST_F(ListeningRepositoryTest, NewReleasesAreDatedAlbumsWithReadyTracksLatestFirst) {
  Write([](CatalogTransaction& tx) {
    auto album = [&](const char* id, std::optional<std::string> date, Timestamp created,
                     bool ready) {
      Album a = MakeAlbum(id, "ar1");
      a.release_date = std::move(date);
      a.created_at = a.updated_at = created;
      tx.albums().Insert(a);
      Track t = MakeTrack(std::string("track-") + id, id);
      if (ready) t.status = TrackStatus::kReady;
      tx.tracks().Insert(t);
    };
    album("old", "2001-05-01", 5000, true);
    album("new", "2024-01-31", 1000, true);
    album("undated-late", std::nullopt, 9000, true);
    album("undated-early", std::nullopt, 2000, true);
    album("same-day-later", "2024-01-31", 3000, true);
    album("unready", "2030-01-01", 9000, false);
  });
  Read([&](CatalogTransaction& tx) {
    EXPECT_EQ(tx.listening().NewReleaseAlbumIds(10, 0),
              (Strings{"same-day-later", "new", "old", "undated-late", "undated-early"}));
    EXPECT_EQ(tx.listening().NewReleaseAlbumIds(2, 1), (Strings{"new", "old"}));
  });
}

TEST_F(ListeningRepositoryTest, ForgetPlayThroughsBeforeDeletesExactlyTheOldOnes) {
  Write([](CatalogTransaction& tx) {
    auto& l = tx.listening();
    l.StartPlayThrough("l1", "p1", "t1", 100);
    l.StartPlayThrough("l1", "p2", "t1", 150);
    l.StartPlayThrough("l1", "p3", "t2", 200);
    l.StartPlayThrough("l1", "p4", "t3", 300);
    l.MarkPlayThroughCounted("l1", "p2");
  });
  auto forget = [&](Timestamp before, int limit) {
    return catalog_->WriteValue([&](CatalogTransaction& tx) {
      return tx.listening().ForgetPlayThroughsBefore(before, limit);
    });
  };
  auto uncounted = [&](const char* play_id) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.listening().UncountedPlayThrough("l1", play_id); });
  };
  EXPECT_EQ(forget(200, 1), 1);
  EXPECT_EQ(forget(200, 1), 1);  // counted or not
  EXPECT_EQ(forget(200, 1), 0);  // p3 started at the cut itself
  EXPECT_EQ(uncounted("p3"), "t2");
  EXPECT_EQ(uncounted("p4"), "t3");
  // The forgotten play ids are free again; the kept ones are not.
  EXPECT_TRUE(catalog_->WriteValue([](CatalogTransaction& tx) {
    return tx.listening().StartPlayThrough("l1", "p2", "t1", 400);
  }));
  EXPECT_FALSE(catalog_->WriteValue([](CatalogTransaction& tx) {
    return tx.listening().StartPlayThrough("l1", "p3", "t1", 400);
  }));
  EXPECT_THROW(forget(200, 0), std::invalid_argument);
  EXPECT_THROW(forget(200, 10001), std::invalid_argument);
}

TEST_F(ListeningRepositoryTest, ForgetDailyPlaysBeforeDeletesExactlyTheEarlierDays) {
  Write([](CatalogTransaction& tx) {
    auto& l = tx.listening();
    l.AddDailyPlay("t1", 10);
    l.AddDailyPlay("t2", 10);
    l.AddDailyPlay("t1", 11);
    l.AddDailyPlay("t1", 12);
    l.AddDailyPlay("t2", 12);
    l.AddTrackPlay("t1");
  });
  auto forget = [&](std::int64_t day, int limit) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.listening().ForgetDailyPlaysBefore(day, limit); });
  };
  EXPECT_EQ(forget(12, 2), 2);
  EXPECT_EQ(forget(12, 2), 1);
  EXPECT_EQ(forget(12, 2), 0);
  EXPECT_EQ(TrackIds(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.listening().Popular(0, 100, 10, 0); })),
            (Strings{"t1:1", "t2:1"}));
  // The track's own total is not a daily row.
  EXPECT_EQ(catalog_->ReadValue(
                [](CatalogTransaction& tx) { return tx.listening().TrackPlays("t1"); }),
            1);
  EXPECT_THROW(forget(12, 0), std::invalid_argument);
  EXPECT_THROW(forget(12, 10001), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza::testing
