// The signed-URL upload flow up to the claim: issuing slots and storing PUT bodies.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "unit/services/track_test_fixture.h"

namespace cadenza::track_testing {
namespace {

class UploadFlowTest : public TrackFixture {};

TEST_F(UploadFlowTest, UploadUrlIsASignedPutForANewSlot) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);

  EXPECT_EQ(ticket.method, "PUT");
  EXPECT_EQ(ticket.expires_at, kStart + 600'000);
  EXPECT_EQ(ticket.max_bytes, 1 << 20);
  std::string prefix = "/blobs/originals/";
  ASSERT_TRUE(ticket.track_url.starts_with(prefix)) << ticket.track_url;
  EXPECT_EQ(ticket.track_url.find('?'), std::string::npos);
  ASSERT_TRUE(ticket.upload_url.starts_with(ticket.track_url + "?")) << ticket.upload_url;

  std::string key = KeyOf(ticket.track_url);
  std::optional<Upload> slot = SlotFor(key);
  ASSERT_TRUE(slot);
  EXPECT_EQ(key, "originals/" + slot->id);
  EXPECT_EQ(slot->user_id, artist_.user_id);
  EXPECT_FALSE(slot->track_id);
  EXPECT_EQ(slot->max_bytes, 1 << 20);
  EXPECT_EQ(slot->expires_at, ticket.expires_at);
  EXPECT_FALSE(slot->completed_at);

  SignedGrant grant = tracks_.VerifyBlobUrl("PUT", key, QueryOf(ticket.upload_url));
  EXPECT_EQ(grant.user_id, artist_.user_id);
  EXPECT_EQ(grant.max_bytes, 1 << 20);
  EXPECT_EQ(grant.expires_at, ticket.expires_at);
}

TEST_F(UploadFlowTest, AdminsMayUploadListenersMayNot) {
  EXPECT_NO_THROW(tracks_.IssueUploadUrl(admin_));
  Error error = CaptureError([&] { tracks_.IssueUploadUrl(listener_); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
}

TEST_F(UploadFlowTest, PutStoresTheBytesAndCompletesTheSlot) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = KeyOf(ticket.track_url);
  std::filesystem::path spooled = Spool("fLaC and the rest of a master");
  SignedGrant grant = tracks_.VerifyBlobUrl("PUT", key, QueryOf(ticket.upload_url));

  StoredUpload stored = tracks_.StoreUpload(key, grant, spooled);

  EXPECT_EQ(stored.track_url, ticket.track_url);
  EXPECT_EQ(stored.size_bytes, 29);
  EXPECT_TRUE(stored.etag.starts_with("\"") && stored.etag.ends_with("\"")) << stored.etag;
  EXPECT_EQ(ReadBlob(key), "fLaC and the rest of a master");
  EXPECT_FALSE(std::filesystem::exists(spooled));
  std::optional<Upload> slot = SlotFor(key);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->size, 29);
  EXPECT_EQ(slot->completed_at, kStart);
}

TEST_F(UploadFlowTest, RepeatedPutBeforeTheClaimReplacesTheBytes) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  StoredUpload first = Put(ticket, "first attempt, cut short");
  clock_.Advance(std::chrono::seconds(5));
  StoredUpload second = Put(ticket, "second");

  std::string key = KeyOf(ticket.track_url);
  EXPECT_EQ(ReadBlob(key), "second");
  EXPECT_EQ(SlotFor(key)->size, 6);
  EXPECT_EQ(second.size_bytes, 6);
  EXPECT_NE(first.etag, second.etag);
}

TEST_F(UploadFlowTest, UnsignedAlteredOrExpiredPutsAreRefused) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = KeyOf(ticket.track_url);
  auto query = QueryOf(ticket.upload_url);

  EXPECT_EQ(CaptureError([&] { tracks_.VerifyBlobUrl("PUT", key, {}); }).code(),
            ErrorCode::kPermissionDenied);
  // The signature of one slot does not open another key.
  UploadTicket other = tracks_.IssueUploadUrl(artist_);
  EXPECT_EQ(CaptureError([&] { tracks_.VerifyBlobUrl("PUT", KeyOf(other.track_url), query); })
                .code(),
            ErrorCode::kPermissionDenied);
  // Raising the size limit breaks the signature.
  auto raised = query;
  raised.erase("max");
  raised.emplace("max", std::to_string(1LL << 40));
  EXPECT_EQ(CaptureError([&] { tracks_.VerifyBlobUrl("PUT", key, raised); }).code(),
            ErrorCode::kPermissionDenied);
  // A PUT signature is not a GET signature.
  EXPECT_EQ(CaptureError([&] { tracks_.VerifyBlobUrl("GET", key, query); }).code(),
            ErrorCode::kPermissionDenied);

  clock_.Advance(kUploadTtl + std::chrono::seconds(1));
  Error expired = CaptureError([&] { tracks_.VerifyBlobUrl("PUT", key, query); });
  EXPECT_EQ(expired.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(std::string(expired.what()).find("expired"), std::string::npos) << expired.what();
}

TEST_F(UploadFlowTest, KeysThatCannotNameABlobAreNotFound) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  EXPECT_EQ(CaptureError([&] {
              tracks_.VerifyBlobUrl("PUT", "../originals/x", QueryOf(ticket.upload_url));
            }).code(),
            ErrorCode::kNotFound);
}

TEST_F(UploadFlowTest, EmptyUploadIsRefusedAndLeavesTheSlotOpen) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = KeyOf(ticket.track_url);
  std::filesystem::path spooled = Spool("");
  SignedGrant grant = tracks_.VerifyBlobUrl("PUT", key, QueryOf(ticket.upload_url));

  Error error = CaptureError([&] { tracks_.StoreUpload(key, grant, spooled); });

  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_STREQ(error.what(), "the upload is empty");
  EXPECT_FALSE(std::filesystem::exists(spooled));
  EXPECT_FALSE(blobs_.Stat(key));
  EXPECT_FALSE(SlotFor(key)->completed_at);
}

TEST_F(UploadFlowTest, UploadLargerThanTheSlotAllowsIsRefused) {
  TrackService small(*catalog_, blobs_, signer_, ids_, clock_, Options(8));
  UploadTicket ticket = small.IssueUploadUrl(artist_);
  EXPECT_EQ(ticket.max_bytes, 8);
  std::string key = KeyOf(ticket.track_url);
  SignedGrant grant = small.VerifyBlobUrl("PUT", key, QueryOf(ticket.upload_url));
  std::filesystem::path spooled = Spool("nine byte");

  EXPECT_EQ(CaptureError([&] { small.StoreUpload(key, grant, spooled); }).code(),
            ErrorCode::kTooLarge);
  EXPECT_FALSE(std::filesystem::exists(spooled));
  EXPECT_FALSE(blobs_.Stat(key));
  EXPECT_NO_THROW(small.StoreUpload(key, grant, Spool("8 bytes!")));
}

TEST_F(UploadFlowTest, SlotsOnlyAcceptTheirOwnUsersPutGrant) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = KeyOf(ticket.track_url);
  SignedGrant grant = tracks_.VerifyBlobUrl("PUT", key, QueryOf(ticket.upload_url));

  SignedGrant someone_else = grant;
  someone_else.user_id = other_artist_.user_id;
  EXPECT_EQ(CaptureError([&] { tracks_.StoreUpload(key, someone_else, Spool("x")); }).code(),
            ErrorCode::kPermissionDenied);
  SignedGrant read_grant = grant;
  read_grant.method = "GET";
  EXPECT_EQ(CaptureError([&] { tracks_.StoreUpload(key, read_grant, Spool("x")); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_FALSE(blobs_.Stat(key));
}

TEST_F(UploadFlowTest, PutToAKeyWithoutASlotIsNotFound) {
  SignedGrant grant{"PUT", "/blobs/originals/nobody-issued-this", kStart + 1000,
                    artist_.user_id, 100};
  std::filesystem::path spooled = Spool("bytes");
  EXPECT_EQ(CaptureError([&] {
              tracks_.StoreUpload("originals/nobody-issued-this", grant, spooled);
            }).code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(spooled));
}

TEST_F(UploadFlowTest, ClaimedSlotCannotBeOverwritten) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  Put(ticket, "the master");
  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.track_url, {}});

  Error error = CaptureError([&] { Put(ticket, "a swapped master"); });

  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_EQ(ReadBlob(track.blob_key), "the master");
}

}  // namespace
}  // namespace cadenza::track_testing
