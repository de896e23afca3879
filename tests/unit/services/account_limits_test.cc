// Per-account limits on upload slots, stored bytes and queued transcode jobs, on a real
// catalogue and blob store.
#include <gtest/gtest.h>

#include <string>

#include "services/ingest/transcode_job.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza::track_testing {
namespace {

constexpr std::int64_t kMaxOpenUploads = 2;
constexpr std::int64_t kMaxStoredBytes = 100;
constexpr std::int64_t kMaxQueuedJobs = 2;

class AccountLimitsTest : public TrackFixture {
 protected:
  AccountLimitsTest() : limited_(*catalog_, blobs_, ids_, clock_, LimitedOptions()) {}

  static TrackOptions LimitedOptions() {
    TrackOptions options = Options();
    options.limits.max_open_uploads = kMaxOpenUploads;
    options.limits.max_stored_bytes = kMaxStoredBytes;
    options.limits.max_queued_jobs = kMaxQueuedJobs;
    return options;
  }

  Track Upload(const Principal& who, const Album& album, std::string_view bytes) {
    UploadTicket ticket = limited_.IssueUploadUrl(who);
    Put(ticket, bytes);
    return limited_.Create(who, NewTrack{album.id, "Song", ticket.blob_key, 1});
  }

  // A worker takes one queued job and finishes it.
  void FinishOneJob() {
    catalog_->Write([&](CatalogTransaction& tx) {
      std::optional<Job> job =
          tx.jobs().Lease(kTranscodeJobKind, "w1", clock_.Now(), clock_.Now() + 60'000);
      ASSERT_TRUE(job.has_value());
      EXPECT_TRUE(tx.jobs().Complete(job->id, "w1"));
    });
  }

  static void ExpectLimit(const Error& error, ErrorCode code, const std::string& name,
                          std::int64_t value, std::int64_t retry_after) {
    EXPECT_EQ(error.code(), code) << error.what();
    ASSERT_TRUE(error.limit().has_value()) << error.what();
    EXPECT_EQ(error.limit()->name, name);
    EXPECT_EQ(error.limit()->value, value);
    EXPECT_EQ(error.retry_after_seconds(), retry_after);
    EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(std::to_string(value)), std::string::npos)
        << error.what();
  }

  TrackService limited_;
};

TEST_F(AccountLimitsTest, OpenSlotsPastTheLimitAreRefusedUntilOneExpires) {
  limited_.IssueUploadUrl(artist_);
  clock_.Advance(std::chrono::seconds(100));
  limited_.IssueUploadUrl(artist_);

  Error error = ErrorFrom([&] { limited_.IssueUploadUrl(artist_); });
  // The first slot expires 600 s after it was issued, 100 s ago.
  ExpectLimit(error, ErrorCode::kTooManyRequests, "max_open_uploads", kMaxOpenUploads, 500);
  // Other accounts have their own slots; administrators are exempt.
  EXPECT_NO_THROW(limited_.IssueUploadUrl(other_artist_));
  for (int i = 0; i < 3; ++i) EXPECT_NO_THROW(limited_.IssueUploadUrl(admin_));

  clock_.Advance(std::chrono::seconds(501));
  EXPECT_NO_THROW(limited_.IssueUploadUrl(artist_));
}

TEST_F(AccountLimitsTest, UpdateUrlsCountAsOpenSlotsAndClaimsFreeThem) {
  Track track = Upload(artist_, album_, "one");
  limited_.IssueUploadUrl(artist_);
  UploadTicket update = limited_.IssueUpdateUrl(artist_, track.id);

  Error error = ErrorFrom([&] { limited_.IssueUpdateUrl(artist_, track.id); });
  ExpectLimit(error, ErrorCode::kTooManyRequests, "max_open_uploads", kMaxOpenUploads, 600);

  // Claiming one of the two open slots makes room for a new one.
  Put(update, "one again");
  TrackPatch patch;
  patch.upload_key = update.blob_key;
  limited_.Update(artist_, track.id, patch);
  EXPECT_NO_THROW(limited_.IssueUploadUrl(artist_));
}

TEST_F(AccountLimitsTest, SlotsShrinkToTheRoomLeftAndAFullAccountGetsNone) {
  Upload(artist_, album_, std::string(60, 'a'));
  UploadTicket ticket = limited_.IssueUploadUrl(artist_);
  EXPECT_EQ(ticket.grant.max_bytes, kMaxStoredBytes - 60);
  EXPECT_EQ(SlotFor(ticket.blob_key)->max_bytes, kMaxStoredBytes - 60);
  // The PUT cannot pass the room left.
  Error too_large = ErrorFrom([&] { Put(ticket, std::string(41, 'b')); });
  EXPECT_EQ(too_large.code(), ErrorCode::kTooLarge);
  Put(ticket, std::string(40, 'b'));
  FinishOneJob();
  limited_.Create(artist_, NewTrack{album_.id, "Two", ticket.blob_key, 2});

  Error full = ErrorFrom([&] { limited_.IssueUploadUrl(artist_); });
  ExpectLimit(full, ErrorCode::kPermissionDenied, "max_stored_bytes", kMaxStoredBytes, 0);
  EXPECT_NO_THROW(limited_.IssueUploadUrl(admin_));
}

TEST_F(AccountLimitsTest, AClaimPastTheStorageQuotaIsRefusedAndLeavesTheSlot) {
  UploadTicket first = limited_.IssueUploadUrl(artist_);
  UploadTicket second = limited_.IssueUploadUrl(artist_);
  Put(first, std::string(60, 'a'));
  Put(second, std::string(60, 'b'));
  limited_.Create(artist_, NewTrack{album_.id, "One", first.blob_key, 1});

  Error error = ErrorFrom([&] {
    limited_.Create(artist_, NewTrack{album_.id, "Two", second.blob_key, 2});
  });
  ExpectLimit(error, ErrorCode::kPermissionDenied, "max_stored_bytes", kMaxStoredBytes, 0);
  EXPECT_NE(std::string(error.what()).find("120"), std::string::npos) << error.what();
  EXPECT_TRUE(SlotFor(second.blob_key).has_value());  // rolled back: still claimable later
  EXPECT_EQ(catalog_->ReadValue([](CatalogTransaction& tx) {
    return tx.tracks().List(PageRequest{}).items.size();
  }),
            1u);
}

TEST_F(AccountLimitsTest, ReplacingAudioCountsTheNewOriginalInsteadOfTheOld) {
  Track track = Upload(artist_, album_, std::string(90, 'a'));
  FinishOneJob();
  UploadTicket update = limited_.IssueUpdateUrl(artist_, track.id);
  // The 90 bytes being replaced are not counted against the replacement.
  EXPECT_EQ(update.grant.max_bytes, kMaxStoredBytes);
  Put(update, std::string(95, 'b'));
  TrackPatch patch;
  patch.upload_key = update.blob_key;
  Track replaced = limited_.Update(artist_, track.id, patch);
  EXPECT_EQ(replaced.blob_size, 95);
}

TEST_F(AccountLimitsTest, ClaimsPastMaxQueuedJobsAreRefusedUntilAJobFinishes) {
  Upload(artist_, album_, "one");
  Track second = Upload(artist_, album_, "two");
  UploadTicket third = limited_.IssueUploadUrl(artist_);
  Put(third, "three");

  Error error = ErrorFrom([&] {
    limited_.Create(artist_, NewTrack{album_.id, "Three", third.blob_key, 3});
  });
  ExpectLimit(error, ErrorCode::kTooManyRequests, "max_queued_jobs", kMaxQueuedJobs,
              kQueuedJobsRetryAfterSeconds);
  EXPECT_TRUE(SlotFor(third.blob_key).has_value());
  // Another account's queue is its own.
  EXPECT_NO_THROW(Upload(other_artist_, other_album_, "theirs"));

  // Replacing the audio of a track whose job is still queued resets that job: allowed.
  UploadTicket update = limited_.IssueUpdateUrl(artist_, second.id);
  Put(update, "two again");
  TrackPatch patch;
  patch.upload_key = update.blob_key;
  EXPECT_NO_THROW(limited_.Update(artist_, second.id, patch));

  FinishOneJob();
  FinishOneJob();
  EXPECT_NO_THROW(limited_.Create(artist_, NewTrack{album_.id, "Three", third.blob_key, 3}));
}

TEST_F(AccountLimitsTest, QueuedJobsCarryTheirOwner) {
  Track track = Upload(artist_, album_, "one");
  std::optional<Job> job = catalog_->ReadValue(
      [&](CatalogTransaction& tx) { return tx.jobs().FindBySubject(kTranscodeJobKind, track.id); });
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->owner_id, artist_.user_id);
}

}  // namespace
}  // namespace cadenza::track_testing
