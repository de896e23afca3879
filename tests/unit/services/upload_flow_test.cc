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

  EXPECT_EQ(ticket.grant.method, "PUT");
  EXPECT_EQ(ticket.grant.expires_at, kStart + 600'000);
  EXPECT_EQ(ticket.grant.max_bytes, 1 << 20);
  EXPECT_EQ(ticket.grant.access, BlobAccess::kWrite);
  ASSERT_TRUE(ticket.blob_key.starts_with("originals/")) << ticket.blob_key;
  // The local store's grant: its own signed /blobs URL for the key.
  ASSERT_TRUE(ticket.grant.url.starts_with("/blobs/" + ticket.blob_key + "?")) << ticket.grant.url;

  std::string key = ticket.blob_key;
  std::optional<Upload> slot = SlotFor(key);
  ASSERT_TRUE(slot);
  EXPECT_EQ(key, "originals/" + slot->id);
  EXPECT_EQ(slot->user_id, artist_.user_id);
  EXPECT_FALSE(slot->track_id);
  EXPECT_EQ(slot->max_bytes, 1 << 20);
  EXPECT_EQ(slot->expires_at, ticket.grant.expires_at);
  EXPECT_FALSE(slot->completed_at);

  SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, key, QueryOf(ticket.grant.url));
  EXPECT_EQ(grant.user_id, artist_.user_id);
  EXPECT_EQ(grant.max_bytes, 1 << 20);
  EXPECT_EQ(grant.expires_at, ticket.grant.expires_at);
}

TEST_F(UploadFlowTest, AdminsMayUploadListenersMayNot) {
  EXPECT_NO_THROW(tracks_.IssueUploadUrl(admin_));
  Error error = ErrorFrom([&] { tracks_.IssueUploadUrl(listener_); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
}

TEST_F(UploadFlowTest, PutStoresTheBytesAndCompletesTheSlot) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = ticket.blob_key;
  std::filesystem::path spooled = Spool("fLaC and the rest of a master");
  SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, key, QueryOf(ticket.grant.url));

  StoredUpload stored = endpoint_.StoreUpload(grant, spooled);

  EXPECT_EQ(stored.blob_key, ticket.blob_key);
  EXPECT_EQ(stored.size_bytes, 29);
  // An opaque hash: neither the key nor the slot id shows through.
  EXPECT_EQ(stored.version.size(), 32u);
  EXPECT_EQ(stored.version.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(stored.version.find(SlotFor(key)->id), std::string::npos);
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

  std::string key = ticket.blob_key;
  EXPECT_EQ(ReadBlob(key), "second");
  EXPECT_EQ(SlotFor(key)->size, 6);
  EXPECT_EQ(second.size_bytes, 6);
  EXPECT_NE(first.version, second.version);
}

TEST_F(UploadFlowTest, UnsignedAlteredOrExpiredPutsAreRefused) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = ticket.blob_key;
  auto query = QueryOf(ticket.grant.url);

  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kWrite, key, {}); }).code(),
            ErrorCode::kPermissionDenied);
  // The signature of one slot does not open another key.
  UploadTicket other = tracks_.IssueUploadUrl(artist_);
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kWrite, other.blob_key, query); })
                .code(),
            ErrorCode::kPermissionDenied);
  // Raising the size limit breaks the signature.
  auto raised = query;
  raised.erase("max");
  raised.emplace("max", std::to_string(1LL << 40));
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kWrite, key, raised); }).code(),
            ErrorCode::kPermissionDenied);
  // A PUT signature is not a GET signature.
  EXPECT_EQ(ErrorFrom([&] { endpoint_.Verify(BlobAccess::kRead, key, query); }).code(),
            ErrorCode::kPermissionDenied);

  clock_.Advance(kUploadTtl + std::chrono::seconds(1));
  Error expired = ErrorFrom([&] { endpoint_.Verify(BlobAccess::kWrite, key, query); });
  EXPECT_EQ(expired.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(std::string(expired.what()).find("expired"), std::string::npos) << expired.what();
}

TEST_F(UploadFlowTest, KeysThatCannotNameABlobAreNotFound) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  EXPECT_EQ(ErrorFrom([&] {
              endpoint_.Verify(BlobAccess::kWrite, "../originals/x", QueryOf(ticket.grant.url));
            }).code(),
            ErrorCode::kNotFound);
}

TEST_F(UploadFlowTest, EmptyUploadIsRefusedAndLeavesTheSlotOpen) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = ticket.blob_key;
  std::filesystem::path spooled = Spool("");
  SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, key, QueryOf(ticket.grant.url));

  Error error = ErrorFrom([&] { endpoint_.StoreUpload(grant, spooled); });

  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_STREQ(error.what(), "the upload is empty");
  EXPECT_FALSE(std::filesystem::exists(spooled));
  EXPECT_FALSE(blobs_.Stat(key));
  EXPECT_FALSE(SlotFor(key)->completed_at);
}

TEST_F(UploadFlowTest, UploadLargerThanTheSlotAllowsIsRefused) {
  TrackService small(*catalog_, blobs_, ids_, clock_, Options(8));
  LocalBlobEndpoint small_endpoint(small.uploads(), blobs_, signer_, clock_);
  EXPECT_EQ(small_endpoint.max_upload_bytes(), 8);
  UploadTicket ticket = small.IssueUploadUrl(artist_);
  EXPECT_EQ(ticket.grant.max_bytes, 8);
  std::string key = ticket.blob_key;
  SignedGrant grant = small_endpoint.Verify(BlobAccess::kWrite, key, QueryOf(ticket.grant.url));
  std::filesystem::path spooled = Spool("nine byte");

  EXPECT_EQ(ErrorFrom([&] { small_endpoint.StoreUpload(grant, spooled); }).code(),
            ErrorCode::kTooLarge);
  EXPECT_FALSE(std::filesystem::exists(spooled));
  EXPECT_FALSE(blobs_.Stat(key));
  EXPECT_NO_THROW(small_endpoint.StoreUpload(grant, Spool("8 bytes!")));
}

TEST_F(UploadFlowTest, SlotsOnlyAcceptTheirOwnUsersPutGrant) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  std::string key = ticket.blob_key;
  SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, key, QueryOf(ticket.grant.url));

  SignedGrant someone_else = grant;
  someone_else.user_id = other_artist_.user_id;
  std::filesystem::path refused = Spool("x");
  EXPECT_EQ(ErrorFrom([&] { endpoint_.StoreUpload(someone_else, refused); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(refused));
  SignedGrant read_grant = grant;
  read_grant.method = "GET";
  refused = Spool("x");
  EXPECT_EQ(ErrorFrom([&] { endpoint_.StoreUpload(read_grant, refused); }).code(),
            ErrorCode::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(refused));
  EXPECT_FALSE(blobs_.Stat(key));
}

TEST_F(UploadFlowTest, PutToAKeyWithoutASlotIsNotFound) {
  SignedGrant grant{"PUT", "originals/nobody-issued-this", kStart + 1000, artist_.user_id, 100};
  std::filesystem::path spooled = Spool("bytes");
  EXPECT_EQ(ErrorFrom([&] { endpoint_.StoreUpload(grant, spooled); }).code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(spooled));
  EXPECT_FALSE(blobs_.Stat("originals/nobody-issued-this"));
}

TEST_F(UploadFlowTest, ClaimedSlotCannotBeOverwritten) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  Put(ticket, "the master");
  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Song", ticket.blob_key, {}});

  Error error = ErrorFrom([&] { Put(ticket, "a swapped master"); });

  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_EQ(ReadBlob(track.blob_key), "the master");
}

}  // namespace
}  // namespace cadenza::track_testing
