// Uploads with a blob store that takes the client's PUT itself: the upload URL is the store's
// pre-signed PUT, and a claim sizes the upload by asking the store (Stat), since no byte of
// it passed through Cadenza and nothing marked the slot completed.
#include <gtest/gtest.h>

#include <string>

#include "unit/services/direct_store_fixture.h"

namespace cadenza::direct_testing {
namespace {

class DirectUploadTest : public DirectStoreFixture {
 protected:
  std::optional<Upload> SlotFor(const std::string& key) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.uploads().FindByBlobKey(key); });
  }
  Track Claim(const UploadTicket& ticket) {
    return tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, 1});
  }
};

TEST_F(DirectUploadTest, UploadUrlIsTheStoresPresignedPut) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  EXPECT_TRUE(ticket.blob_key.starts_with("originals/"));
  EXPECT_TRUE(ticket.grant.url.starts_with(StoreOrigin() + ticket.blob_key + "?"))
      << ticket.grant.url;
  EXPECT_NE(ticket.grant.url.find("X-Amz-Expires=600&"), std::string::npos) << ticket.grant.url;
  EXPECT_NE(ticket.grant.url.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(ticket.grant.method, "PUT");
  EXPECT_EQ(ticket.grant.max_bytes, kMaxUpload);
}

TEST_F(DirectUploadTest, ClaimBeforeAnythingLandedIsRefused) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  Error error = ErrorFrom([&] { Claim(ticket); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "nothing has been uploaded to trackUrl yet");
  EXPECT_EQ(error.field(), "trackUrl");
  EXPECT_TRUE(SlotFor(ticket.blob_key));  // the client may still upload and claim
}

TEST_F(DirectUploadTest, ClaimRecordsTheSizeTheStoreReports) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  PutToStore(blobs_, ticket, 777);
  Track track = Claim(ticket);
  EXPECT_EQ(track.blob_key, ticket.blob_key);
  EXPECT_EQ(track.blob_size, 777);
  EXPECT_EQ(track.status, TrackStatus::kProcessing);
  EXPECT_FALSE(SlotFor(ticket.blob_key));  // claimed
  EXPECT_TRUE(blobs_.Stat(ticket.blob_key));
}

TEST_F(DirectUploadTest, UploadOfExactlyTheLimitIsClaimed) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  PutToStore(blobs_, ticket, kMaxUpload);
  EXPECT_EQ(Claim(ticket).blob_size, kMaxUpload);
}

TEST_F(DirectUploadTest, OversizeUploadIsRemovedAndRefusedNamingBothSizes) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  PutToStore(blobs_, ticket, kMaxUpload + 1);  // the store could not refuse it
  Error error = ErrorFrom([&] { Claim(ticket); });
  EXPECT_EQ(error.code(), ErrorCode::kTooLarge);
  EXPECT_EQ(error.field(), "trackUrl");
  EXPECT_STREQ(error.what(),
               "the upload at trackUrl is 1001 bytes, larger than the 1000 bytes its upload URL "
               "allows; it was removed, upload a smaller file");
  EXPECT_FALSE(blobs_.Stat(ticket.blob_key));
  EXPECT_TRUE(SlotFor(ticket.blob_key));
  // A smaller upload to the same URL is then claimed.
  PutToStore(blobs_, ticket, 10);
  EXPECT_EQ(Claim(ticket).blob_size, 10);
}

TEST_F(DirectUploadTest, EmptyUploadIsRefused) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  PutToStore(blobs_, ticket, 0);
  Error error = ErrorFrom([&] { Claim(ticket); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "the upload at trackUrl is empty");
}

TEST_F(DirectUploadTest, ReplacingTheAudioRecordsTheNewSize) {
  UploadTicket first = tracks_.IssueUploadUrl(artist_);
  PutToStore(blobs_, first, 100);
  Track track = Claim(first);
  UploadTicket update = tracks_.IssueUpdateUrl(artist_, track.id);
  TrackPatch patch;
  patch.upload_key = update.blob_key;
  EXPECT_EQ(ErrorFrom([&] { tracks_.Update(artist_, track.id, patch); }).code(),
            ErrorCode::kUnprocessable);
  PutToStore(blobs_, update, 250);
  Track replaced = tracks_.Update(artist_, track.id, patch);
  EXPECT_EQ(replaced.blob_key, update.blob_key);
  EXPECT_EQ(replaced.blob_size, 250);
}

// The quota counts what the store holds: two slots issued with room for each, filled past
// the room together, cannot both be claimed.
TEST_F(DirectUploadTest, StorageQuotaCountsTheSizeTheStoreReports) {
  AccountLimits limits;
  limits.max_stored_bytes = 1500;
  TrackService tracks(*catalog_, blobs_, ids_, clock_, Options(limits));
  UploadTicket first = tracks.IssueUploadUrl(artist_);
  UploadTicket second = tracks.IssueUploadUrl(artist_);
  PutToStore(blobs_, first, 900);
  PutToStore(blobs_, second, 900);
  EXPECT_EQ(tracks.Create(artist_, NewTrack{album_.id, "One", first.blob_key, 1}).blob_size, 900);
  Error error =
      ErrorFrom([&] { tracks.Create(artist_, NewTrack{album_.id, "Two", second.blob_key, 2}); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(std::string(error.what()).find("max_stored_bytes"), std::string::npos) << error.what();
}

}  // namespace
}  // namespace cadenza::direct_testing
