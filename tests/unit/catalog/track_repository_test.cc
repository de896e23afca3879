#include <gtest/gtest.h>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using TrackRepositoryTest = CatalogTest;
TEST_F(TrackRepositoryTest, InsertFindUpdateDelete) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.albums().Insert(MakeAlbum("al2", "ar1"));
    tx.tracks().Insert(MakeTrack("t1", "al1", 3));
  });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().FindById("t1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->album_id, "al1");
  EXPECT_EQ(found->title, "Track t1");
  EXPECT_EQ(found->track_number, 3);
  EXPECT_EQ(found->blob_key, "originals/t1.flac");
  EXPECT_EQ(found->blob_size, 1234567);
  EXPECT_EQ(found->created_at, 1700000000300);

  Track changed = *found;
  changed.album_id = "al2";
  changed.title = "Renamed";
  changed.track_number.reset();
  changed.blob_size = 5'000'000'000;  // beyond 32 bits
  changed.updated_at = 1700000088888;
  Write([&](CatalogTransaction& tx) { tx.tracks().Update(changed); });
  found = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().FindById("t1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->album_id, "al2");
  EXPECT_EQ(found->title, "Renamed");
  EXPECT_FALSE(found->track_number.has_value());
  EXPECT_EQ(found->blob_size, 5'000'000'000);
  EXPECT_EQ(found->updated_at, 1700000088888);
  EXPECT_TRUE(QueuedKeys().empty());  // same blob key: nothing to delete

  Write([](CatalogTransaction& tx) { tx.tracks().Delete("t1"); });
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.tracks().FindById("t1").has_value()); });
  EXPECT_EQ(QueuedKeys(), (Strings{"originals/t1.flac"}));
}

TEST_F(TrackRepositoryTest, UpdateOrDeleteOfMissingTrackIsNotFound) {
  SeedAlbum();
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.tracks().Update(MakeTrack("t9", "al1")); });
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.tracks().Delete("t9"); }); }),
            ErrorCode::kNotFound);
}

TEST_F(TrackRepositoryTest, DuplicateBlobKeyIsConflict) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "al1")); });
  Track copy = MakeTrack("t2", "al1");
  copy.blob_key = "originals/t1.flac";
  EXPECT_EQ(
      ThrownMessage([&] { Write([&](CatalogTransaction& tx) { tx.tracks().Insert(copy); }); }),
      "a track with this blob key already exists");
}

TEST_F(TrackRepositoryTest, MissingAlbumIsConflict) {
  SeedAlbum();
  EXPECT_EQ(ThrownMessage([&] {
              Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "ghost")); });
            }),
            "a track refers to a missing album");
}

TEST_F(TrackRepositoryTest, ReplacingTheBlobKeyQueuesTheOldOne) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "al1")); });
  Track changed = MakeTrack("t1", "al1");
  changed.blob_key = "originals/t1-v2.flac";
  Write([&](CatalogTransaction& tx) { tx.tracks().Update(changed); });
  EXPECT_EQ(QueuedKeys(), (Strings{"originals/t1.flac"}));
  Read([](CatalogTransaction& tx) {
    EXPECT_EQ(tx.tracks().FindById("t1")->blob_key, "originals/t1-v2.flac");
  });
}

TEST_F(TrackRepositoryTest, ListByAlbumPutsUnnumberedTracksLast) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.albums().Insert(MakeAlbum("al2", "ar1"));
    tx.tracks().Insert(MakeTrack("t-a", "al1", std::nullopt));
    tx.tracks().Insert(MakeTrack("t-b", "al1", 2));
    tx.tracks().Insert(MakeTrack("t-c", "al1", 1));
    tx.tracks().Insert(MakeTrack("t-d", "al1", 10));
    tx.tracks().Insert(MakeTrack("t-0", "al1", std::nullopt));
    tx.tracks().Insert(MakeTrack("t-e", "al1", 2));  // same number: id breaks the tie
    tx.tracks().Insert(MakeTrack("t-x", "al2", 1));
  });
  auto tracks =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().ListByAlbum("al1"); });
  std::vector<std::string> ids;
  for (const Track& t : tracks) ids.push_back(t.id);
  EXPECT_EQ(ids, (Strings{"t-c", "t-b", "t-e", "t-d", "t-0", "t-a"}));
  Read([](CatalogTransaction& tx) { EXPECT_TRUE(tx.tracks().ListByAlbum("ghost").empty()); });
}

TEST_F(TrackRepositoryTest, ListPagesInIdOrder) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    for (std::string id : {"t3", "t1", "t2"}) tx.tracks().Insert(MakeTrack(id, "al1"));
  });
  Read([](CatalogTransaction& tx) {
    auto page = tx.tracks().List(PageRequest{.limit = 2});
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].id, "t1");
    EXPECT_EQ(page.items[1].id, "t2");
    EXPECT_EQ(page.next_after_id, "t2");
  });
}

TEST_F(TrackRepositoryTest, MediaFieldsRoundTrip) {
  SeedAlbum();
  Track track = MakeTrack("t1", "al1");
  track.status = TrackStatus::kProcessing;
  track.progress = 0.25;
  Write([&](CatalogTransaction& tx) { tx.tracks().Insert(track); });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().FindById("t1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, TrackStatus::kProcessing);
  EXPECT_EQ(found->progress, 0.25);
  EXPECT_FALSE(found->error.has_value());
  EXPECT_FALSE(found->duration_ms.has_value());
  EXPECT_FALSE(found->loudness.has_value());

  track.status = TrackStatus::kReady;
  track.progress = 1;
  track.duration_ms = 9'000'000'000;  // beyond 32 bits
  track.loudness = Loudness{-9.25, -0.375, -4.75};
  Write([&](CatalogTransaction& tx) { tx.tracks().Update(track); });
  found = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().FindById("t1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, TrackStatus::kReady);
  EXPECT_EQ(found->progress, 1.0);
  EXPECT_EQ(found->duration_ms, 9'000'000'000);
  ASSERT_TRUE(found->loudness.has_value());
  EXPECT_EQ(found->loudness->integrated_lufs, -9.25);
  EXPECT_EQ(found->loudness->true_peak_db, -0.375);
  EXPECT_EQ(found->loudness->gain_db, -4.75);

  track.status = TrackStatus::kFailed;
  track.error = "file is truncated";
  track.loudness.reset();
  track.duration_ms.reset();
  Write([&](CatalogTransaction& tx) { tx.tracks().Update(track); });
  auto listed =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.tracks().ListByAlbum("al1"); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, TrackStatus::kFailed);
  EXPECT_EQ(listed[0].error, "file is truncated");
  EXPECT_FALSE(listed[0].loudness.has_value());
  EXPECT_FALSE(listed[0].duration_ms.has_value());
}

TEST_F(TrackRepositoryTest, InsertStoresTheStatusGiven) {
  SeedAlbum();
  Track ready = MakeTrack("t-ready", "al1");
  ready.status = TrackStatus::kReady;
  ready.progress = 1;
  ready.loudness = Loudness{-14, -1, 0};
  Track failed = MakeTrack("t-failed", "al1");
  failed.status = TrackStatus::kFailed;
  failed.error = "not an audio file";
  Write([&](CatalogTransaction& tx) {
    tx.tracks().Insert(ready);
    tx.tracks().Insert(failed);
  });
  Read([](CatalogTransaction& tx) {
    auto page = tx.tracks().List(PageRequest{});
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].id, "t-failed");
    EXPECT_EQ(page.items[0].status, TrackStatus::kFailed);
    EXPECT_EQ(page.items[0].error, "not an audio file");
    EXPECT_EQ(page.items[1].status, TrackStatus::kReady);
    EXPECT_EQ(page.items[1].loudness->integrated_lufs, -14);
  });
}

}  // namespace
}  // namespace cadenza::testing

namespace cadenza::testing {
namespace {

using TrackTagsTest = CatalogTest;
TEST_F(TrackTagsTest, TagsRoundTripAndStartEmpty) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "al1")); });
  auto find = [&] {
    return catalog_->ReadValue([](CatalogTransaction& tx) { return *tx.tracks().FindById("t1"); });
  };
  Track track = find();
  EXPECT_FALSE(track.tags.title || track.tags.artist || track.tags.album || track.tags.date ||
               track.tags.track_number);
  track.tags = TrackTags{"Título 🎵", "Artist", "Album", "2012-12-15", 9};
  Write([&](CatalogTransaction& tx) { tx.tracks().Update(track); });
  Track loaded = find();
  EXPECT_EQ(loaded.tags.title, "Título 🎵");
  EXPECT_EQ(loaded.tags.artist, "Artist");
  EXPECT_EQ(loaded.tags.album, "Album");
  EXPECT_EQ(loaded.tags.date, "2012-12-15");
  EXPECT_EQ(loaded.tags.track_number, 9);
}

}  // namespace
}  // namespace cadenza::testing
