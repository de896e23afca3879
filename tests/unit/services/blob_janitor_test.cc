// Blob garbage collection: expired upload slots and queued blob deletions.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "services/blob_janitor.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza::track_testing {
namespace {

constexpr std::chrono::seconds kGrace{120};

// Forwards to a real store, except that removing the keys in `broken` fails the way an
// unreachable store does.
class FailingRemoveStore final : public BlobStore {
 public:
  explicit FailingRemoveStore(BlobStore& inner) : inner_(inner) {}
  std::set<std::string> broken;

  BlobInfo PutFrom(std::string_view key, BlobSource& source) override {
    return inner_.PutFrom(key, source);
  }
  std::optional<BlobInfo> Stat(std::string_view key) override { return inner_.Stat(key); }
  std::unique_ptr<BlobReader> Open(std::string_view key) override { return inner_.Open(key); }
  BlobListing List(std::string_view prefix, std::string_view after, int limit) override {
    return inner_.List(prefix, after, limit);
  }
  void Remove(std::string_view key) override {
    if (broken.contains(std::string(key))) {
      throw Error(ErrorCode::kUnavailable, "blob store: remove " + std::string(key) + ": I/O error");
    }
    inner_.Remove(key);
  }
  void RemovePrefix(std::string_view prefix) override {
    if (broken.contains(std::string(prefix))) {
      throw Error(ErrorCode::kUnavailable, "blob store: remove " + std::string(prefix) + ": I/O error");
    }
    inner_.RemovePrefix(prefix);
  }
  BlobGrant Grant(const BlobGrantRequest& request) override { return inner_.Grant(request); }
  bool Healthy() override { return inner_.Healthy(); }

 private:
  BlobStore& inner_;
};

class BlobJanitorTest : public TrackFixture {
 protected:
  BlobJanitor janitor_{*catalog_, blobs_, clock_, JanitorOptions{kGrace, 2}};
};

TEST_F(BlobJanitorTest, ExpiredUnclaimedUploadsAreSweptWithTheirBlobs) {
  UploadTicket abandoned = tracks_.IssueUploadUrl(artist_);
  Put(abandoned, "uploaded but never posted");
  UploadTicket never_put = tracks_.IssueUploadUrl(artist_);
  UploadTicket claimed = tracks_.IssueUploadUrl(artist_);
  Put(claimed, "posted");
  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Kept", claimed.blob_key, {}});
  Track with_pending = UploadTrack(artist_, album_, "has a pending replacement");
  UploadTicket replacement = tracks_.IssueUpdateUrl(artist_, with_pending.id);
  Put(replacement, "replacement never patched in");

  // Not expired yet: nothing to do.
  EXPECT_EQ(janitor_.SweepExpiredUploads(), 0);
  // Expired, but a client that finished its PUT just in time may still claim it.
  clock_.Advance(kUploadTtl + kGrace / 2);
  EXPECT_EQ(janitor_.SweepExpiredUploads(), 0);
  EXPECT_TRUE(SlotFor(abandoned.blob_key));

  clock_.Advance(kGrace);
  JanitorReport report = janitor_.RunOnce();

  EXPECT_EQ(report.swept_uploads, 3);  // more than one batch of 2
  EXPECT_EQ(report.removed_blobs, 3);
  for (const UploadTicket* ticket : {&abandoned, &never_put, &replacement}) {
    EXPECT_FALSE(SlotFor(ticket->blob_key));
    EXPECT_FALSE(blobs_.Stat(ticket->blob_key));
  }
  EXPECT_EQ(ReadBlob(track.blob_key), "posted");
  EXPECT_EQ(ReadBlob(with_pending.blob_key), "has a pending replacement");
  EXPECT_EQ(tracks_.Get(listener_, track.id).blob_key, track.blob_key);
  EXPECT_TRUE(QueuedDeletions().empty());
  EXPECT_EQ(janitor_.RunOnce().swept_uploads, 0);
}

TEST_F(BlobJanitorTest, ACompletedSlotCanBeClaimedDuringTheGrace) {
  UploadTicket ticket = tracks_.IssueUploadUrl(artist_);
  clock_.Advance(kUploadTtl - std::chrono::seconds(1));
  Put(ticket, "finished just in time");
  clock_.Advance(kGrace / 2);
  janitor_.RunOnce();

  Track track = tracks_.Create(artist_, NewTrack{album_.id, "Late", ticket.blob_key, {}});

  clock_.Advance(kGrace * 10);
  janitor_.RunOnce();
  EXPECT_EQ(ReadBlob(track.blob_key), "finished just in time");
}

TEST_F(BlobJanitorTest, AFailingRemoveLeavesTheKeyQueued) {
  FailingRemoveStore flaky(blobs_);
  BlobJanitor janitor(*catalog_, flaky, clock_, JanitorOptions{kGrace, 2});
  std::vector<Track> gone;
  for (int i = 0; i < 4; ++i) gone.push_back(UploadTrack(artist_, album_, "bytes " + std::to_string(i)));
  for (const Track& track : gone) tracks_.Delete(artist_, track.id);
  flaky.broken.insert(gone[1].blob_key);

  EXPECT_EQ(janitor.DrainBlobDeletions(), 3);

  EXPECT_EQ(QueuedDeletions(), std::vector<std::string>{gone[1].blob_key});
  EXPECT_TRUE(blobs_.Stat(gone[1].blob_key));
  for (int i : {0, 2, 3}) EXPECT_FALSE(blobs_.Stat(gone[i].blob_key));

  flaky.broken.clear();
  EXPECT_EQ(janitor.DrainBlobDeletions(), 1);
  EXPECT_FALSE(blobs_.Stat(gone[1].blob_key));
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(BlobJanitorTest, DrainingAKeyWhoseBlobIsAlreadyGoneSucceeds) {
  Track track = UploadTrack(artist_, album_, "bytes");
  tracks_.Delete(artist_, track.id);
  blobs_.Remove(track.blob_key);
  EXPECT_EQ(janitor_.DrainBlobDeletions(), 1);
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(BlobJanitorTest, AQueuedPrefixRemovesEveryBlobUnderItAndNothingElse) {
  blobs_.Put("renditions/t1/job-1/aac_96/init.mp4", "init");
  blobs_.Put("renditions/t1/job-1/aac_96/seg-00000.m4s", "seg");
  blobs_.Put("renditions/t1/job-1/mp3_96.mp3", "mp3");
  blobs_.Put("renditions/t1/job-10/mp3_96.mp3", "a sibling whose name extends the prefix");
  blobs_.Put("renditions/t1/job-2/mp3_96.mp3", "the committed attempt");
  catalog_->Write([](CatalogTransaction& tx) { tx.blob_deletions().Enqueue("renditions/t1/job-1/"); });

  EXPECT_EQ(janitor_.DrainBlobDeletions(), 1);

  EXPECT_FALSE(blobs_.Stat("renditions/t1/job-1/aac_96/init.mp4"));
  EXPECT_FALSE(blobs_.Stat("renditions/t1/job-1/aac_96/seg-00000.m4s"));
  EXPECT_FALSE(blobs_.Stat("renditions/t1/job-1/mp3_96.mp3"));
  EXPECT_FALSE(std::filesystem::exists(blobs_.root() / "renditions/t1/job-1"));
  EXPECT_EQ(ReadBlob("renditions/t1/job-10/mp3_96.mp3"), "a sibling whose name extends the prefix");
  EXPECT_EQ(ReadBlob("renditions/t1/job-2/mp3_96.mp3"), "the committed attempt");
  EXPECT_TRUE(QueuedDeletions().empty());
}

TEST_F(BlobJanitorTest, AFailingPrefixRemovalStaysQueued) {
  FailingRemoveStore flaky(blobs_);
  BlobJanitor janitor(*catalog_, flaky, clock_, JanitorOptions{kGrace, 2});
  blobs_.Put("renditions/t2/job-1/mp3_96.mp3", "mp3");
  catalog_->Write([](CatalogTransaction& tx) { tx.blob_deletions().Enqueue("renditions/t2/job-1/"); });
  flaky.broken.insert("renditions/t2/job-1/");

  EXPECT_EQ(janitor.DrainBlobDeletions(), 0);
  EXPECT_EQ(QueuedDeletions(), std::vector<std::string>{"renditions/t2/job-1/"});
  EXPECT_TRUE(blobs_.Stat("renditions/t2/job-1/mp3_96.mp3"));

  flaky.broken.clear();
  EXPECT_EQ(janitor.DrainBlobDeletions(), 1);
  EXPECT_FALSE(blobs_.Stat("renditions/t2/job-1/mp3_96.mp3"));
  EXPECT_TRUE(QueuedDeletions().empty());
}

// The queued deletions drained from the blob store of the build's engines (S3 in the engines
// build; the tests above keep the local store their uploads go through).
class JanitorOnTestStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<Catalog> catalog_ = test_support::OpenTestCatalog(dir_.path());
  std::unique_ptr<BlobStore> blobs_ = test_support::OpenTestBlobStore(dir_.path(), clock_);
  BlobJanitor janitor_{*catalog_, *blobs_, clock_, JanitorOptions{kGrace, 2}};

  void Enqueue(const std::string& key_or_prefix) {
    catalog_->Write(
        [&](CatalogTransaction& tx) { tx.blob_deletions().Enqueue(key_or_prefix); });
  }
  std::vector<std::string> QueuedDeletions() {
    return catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.blob_deletions().Peek(1000); });
  }
};

TEST_F(JanitorOnTestStoreTest, QueuedKeysAndPrefixesAreRemovedAndNothingElse) {
  blobs_->Put("originals/gone", "a deleted master");
  blobs_->Put("originals/gone-too", "a key the first one prefixes");
  blobs_->Put("renditions/t1/job-1/aac_96/init.mp4", "init");
  blobs_->Put("renditions/t1/job-1/mp3_96.mp3", "mp3");
  blobs_->Put("renditions/t1/job-10/mp3_96.mp3", "a sibling whose name extends the prefix");
  Enqueue("originals/gone");
  Enqueue("renditions/t1/job-1/");
  Enqueue("originals/never-stored");

  EXPECT_EQ(janitor_.DrainBlobDeletions(), 3);  // more than one batch of 2

  EXPECT_FALSE(blobs_->Stat("originals/gone"));
  EXPECT_FALSE(blobs_->Stat("renditions/t1/job-1/aac_96/init.mp4"));
  EXPECT_FALSE(blobs_->Stat("renditions/t1/job-1/mp3_96.mp3"));
  EXPECT_TRUE(blobs_->List("renditions/t1/job-1/", "", 10).blobs.empty());
  EXPECT_TRUE(blobs_->Stat("originals/gone-too"));
  EXPECT_TRUE(blobs_->Stat("renditions/t1/job-10/mp3_96.mp3"));
  EXPECT_TRUE(QueuedDeletions().empty());
}

}  // namespace
}  // namespace cadenza::track_testing
