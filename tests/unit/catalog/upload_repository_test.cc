#include <gtest/gtest.h>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using UploadRepositoryTest = CatalogTest;

TEST_F(UploadRepositoryTest, InsertFindAndMarkCompleted) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.tracks().Insert(MakeTrack("t1", "al1"));
    Upload replacement = MakeUpload("up1", "u1", "originals/new.flac");
    replacement.track_id = "t1";
    tx.uploads().Insert(replacement);
  });
  auto found =
      catalog_->ReadValue([](CatalogTransaction& tx) { return tx.uploads().FindById("up1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, "u1");
  EXPECT_EQ(found->blob_key, "originals/new.flac");
  EXPECT_EQ(found->track_id, "t1");
  EXPECT_EQ(found->max_bytes, 200 * 1024 * 1024);
  EXPECT_EQ(found->expires_at, 1700000900000);
  EXPECT_FALSE(found->size.has_value());
  EXPECT_FALSE(found->completed_at.has_value());
  EXPECT_EQ(found->created_at, 1700000000500);

  Write([](CatalogTransaction& tx) {
    tx.uploads().MarkCompleted("up1", 4'294'967'296, 1700000001000);
  });
  Read([](CatalogTransaction& tx) {
    auto by_key = tx.uploads().FindByBlobKey("originals/new.flac");
    ASSERT_TRUE(by_key.has_value());
    EXPECT_EQ(by_key->id, "up1");
    EXPECT_EQ(by_key->size, 4'294'967'296);
    EXPECT_EQ(by_key->completed_at, 1700000001000);
    EXPECT_FALSE(tx.uploads().FindByBlobKey("originals/other.flac").has_value());
    EXPECT_FALSE(tx.uploads().FindById("up9").has_value());
  });
}

TEST_F(UploadRepositoryTest, MissingSlotIsNotFound) {
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) { tx.uploads().MarkCompleted("up9", 1, 1); });
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(ThrownCode([&] { Write([](CatalogTransaction& tx) { tx.uploads().Delete("up9"); }); }),
            ErrorCode::kNotFound);
}

TEST_F(UploadRepositoryTest, DuplicateBlobKeyAndMissingUserAreConflicts) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.uploads().Insert(MakeUpload("up1", "u1", "k/1")); });
  EXPECT_EQ(
      ThrownMessage([&] {
        Write([](CatalogTransaction& tx) { tx.uploads().Insert(MakeUpload("up2", "u1", "k/1")); });
      }),
      "an upload with this blob key already exists");
  EXPECT_EQ(ThrownMessage([&] {
              Write([](CatalogTransaction& tx) {
                tx.uploads().Insert(MakeUpload("up3", "ghost", "k/3"));
              });
            }),
            "an upload refers to a missing account or track");
}

TEST_F(UploadRepositoryTest, DeletingAnUnclaimedSlotQueuesItsBlob) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.uploads().Insert(MakeUpload("up1", "u1", "incoming/a")); });
  EXPECT_TRUE(QueuedKeys().empty());
  Write([](CatalogTransaction& tx) { tx.uploads().Delete("up1"); });
  EXPECT_EQ(QueuedKeys(), (Strings{"incoming/a"}));
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.uploads().FindById("up1").has_value()); });
}

TEST_F(UploadRepositoryTest, DeletingAClaimedSlotKeepsTheTracksBlob) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.uploads().Insert(MakeUpload("up1", "u1", "incoming/b"));
    tx.uploads().MarkCompleted("up1", 10, 1700000000600);
  });
  // The claim: a track takes the slot's key, then the slot goes, in one transaction.
  Write([](CatalogTransaction& tx) {
    Track track = MakeTrack("t1", "al1");
    track.blob_key = "incoming/b";
    tx.tracks().Insert(track);
    tx.uploads().Delete("up1");
  });
  EXPECT_TRUE(QueuedKeys().empty());
  Read([](CatalogTransaction& tx) {
    EXPECT_EQ(tx.tracks().FindById("t1")->blob_key, "incoming/b");
  });
}

TEST_F(UploadRepositoryTest, ClaimingAReplacementQueuesOnlyTheOldBlob) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.tracks().Insert(MakeTrack("t1", "al1"));
    Upload replacement = MakeUpload("up1", "u1", "incoming/v2");
    replacement.track_id = "t1";
    tx.uploads().Insert(replacement);
  });
  Write([](CatalogTransaction& tx) {
    Track track = *tx.tracks().FindById("t1");
    track.blob_key = "incoming/v2";
    tx.tracks().Update(track);
    tx.uploads().Delete("up1");
  });
  EXPECT_EQ(QueuedKeys(), (Strings{"originals/t1.flac"}));
}

TEST_F(UploadRepositoryTest, ListExpiredReturnsOldestFirstUpToTheLimit) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    for (auto [id, expires] : std::vector<std::pair<std::string, Timestamp>>{
             {"up1", 3000}, {"up2", 1000}, {"up3", 5000}, {"up4", 2000}, {"up5", 4000}}) {
      Upload upload = MakeUpload(id, "u1", "incoming/" + id);
      upload.expires_at = expires;
      tx.uploads().Insert(upload);
    }
  });
  auto ids = [&](Timestamp now, int limit) {
    auto expired = catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.uploads().ListExpired(now, limit); });
    Strings out;
    for (const auto& u : expired) out.push_back(u.id);
    return out;
  };
  EXPECT_EQ(ids(4000, 10), (Strings{"up2", "up4", "up1"}));  // 4000 itself is not expired yet
  EXPECT_EQ(ids(10000, 2), (Strings{"up2", "up4"}));
  EXPECT_TRUE(ids(1000, 10).empty());
}

}  // namespace
}  // namespace cadenza::testing
