#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
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

// The popularity window against an oracle: every play the test makes is remembered, and
// after each step Popular over the window's 7 days must be the sum of those plays per track,
// read from the window table (its size, sum and newest day are checked too).
class PopularWindowTest : public ListeningRepositoryTest {
 protected:
  static constexpr int kTracks = 50;

  void SetUp() override {
    ListeningRepositoryTest::SetUp();
    Write([](CatalogTransaction& tx) {
      for (int i = 0; i < kTracks; ++i) tx.tracks().Insert(MakeTrack(TrackId(i), "al1"));
    });
  }

  static std::string TrackId(int i) { return "w" + std::to_string(100 + i); }

  void Play(const std::string& track, std::int64_t day) {
    Write([&](CatalogTransaction& tx) { tx.listening().AddDailyPlay(track, day); });
    ++plays_[{day, track}];
  }

  // Tracks by plays on days [from, to] as the daily plays' GROUP BY would rank them.
  std::vector<std::string> Oracle(std::int64_t from, std::int64_t to) const {
    std::map<std::string, std::int64_t> totals;
    for (const auto& [key, plays] : plays_) {
      if (key.first >= from && key.first <= to) totals[key.second] += plays;
    }
    std::vector<std::pair<std::string, std::int64_t>> ranked(totals.begin(), totals.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    std::vector<std::string> out;
    for (const auto& [id, plays] : ranked) out.push_back(id + ":" + std::to_string(plays));
    return out;
  }

  void ExpectWindow(std::int64_t today, const std::string& step) {
    SCOPED_TRACE(step + ", today " + std::to_string(today));
    const std::vector<std::string> expected = Oracle(today - 6, today);
    std::int64_t total = 0;
    for (const auto& [key, plays] : plays_) {
      if (key.first >= today - 6 && key.first <= today) total += plays;
    }
    EXPECT_EQ(under_test_->QueryInt("SELECT newest_day FROM popular_window"), today);
    EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM track_window_plays"),
              static_cast<std::int64_t>(expected.size()));
    EXPECT_EQ(under_test_->QueryInt("SELECT COALESCE(sum(plays), 0) FROM track_window_plays"),
              total);
    Read([&](CatalogTransaction& tx) {
      auto& l = tx.listening();
      EXPECT_EQ(TrackIds(l.Popular(today - 6, today, 100, 0)), expected);
      std::vector<std::string> page(expected.begin() + std::min<std::size_t>(3, expected.size()),
                                    expected.begin() + std::min<std::size_t>(8, expected.size()));
      EXPECT_EQ(TrackIds(l.Popular(today - 6, today, 5, 3)), page);
      // Another range than the window is still summed from the daily plays.
      EXPECT_EQ(TrackIds(l.Popular(today - 2, today, 100, 0)), Oracle(today - 2, today));
    });
  }

  std::map<std::pair<std::int64_t, std::string>, std::int64_t> plays_;
};

TEST_F(PopularWindowTest, EqualsTheDailyPlaysOfItsDaysThroughGapsJumpsAndLatePlays) {
  std::mt19937 random(20261207);
  auto track = [&] {  // skewed: low-numbered tracks are played more
    auto a = static_cast<int>(random() % kTracks);
    auto b = static_cast<int>(random() % kTracks);
    return TrackId(std::min(a, b));
  };
  std::int64_t today = 20000;
  Play(track(), today);
  ExpectWindow(today, "first play");
  for (int step = 1; step <= 24; ++step) {
    if (step % 6 == 0) {
      // A quiet stretch: the window moves by itself, 2 to 9 days (a jump past all of it).
      today += 2 + static_cast<std::int64_t>(random() % 8);
      Write([&](CatalogTransaction& tx) { tx.listening().AdvancePopularWindow(today); });
      ExpectWindow(today, "advanced alone at step " + std::to_string(step));
      // Advancing to the same or an earlier day changes nothing.
      Write([&](CatalogTransaction& tx) { tx.listening().AdvancePopularWindow(today - 3); });
      ExpectWindow(today, "advanced backwards at step " + std::to_string(step));
      continue;
    }
    today += step % 4 == 0 ? 2 : 1;  // some days have no plays at all
    const int count = static_cast<int>(random() % 30);
    for (int i = 0; i < count; ++i) Play(track(), today);
    if (step % 5 == 0) {
      Play(track(), today - 9);  // late: counted on its day, outside the window
      Play(track(), today - 7);  // the day just before the window
      Play(track(), today - 6);  // the window's oldest day: counted in it
    }
    ExpectWindow(today, "plays at step " + std::to_string(step));
  }
  // A deleted track leaves the window with its daily plays.
  const std::string top = Oracle(today - 6, today).front();
  const std::string top_id = top.substr(0, top.find(':'));
  Write([&](CatalogTransaction& tx) { tx.tracks().Delete(top_id); });
  std::erase_if(plays_, [&](const auto& entry) { return entry.first.second == top_id; });
  ExpectWindow(today, "after deleting " + top_id);
}

}  // namespace
}  // namespace cadenza::testing
