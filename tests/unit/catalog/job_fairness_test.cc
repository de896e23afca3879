// Leases take turns across the accounts that own jobs, and the per-account counts the limits
// rely on (active jobs, open slots, stored bytes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

constexpr char kKind[] = "transcode";
constexpr Timestamp kNow = 10'000;
constexpr Timestamp kLeaseUntil = 70'000;

Job OwnedJob(std::string id, std::string owner, Timestamp created_at, int max_attempts = 3) {
  Job job;
  job.id = id;
  job.kind = kKind;
  job.subject_id = "subject-" + id;
  job.owner_id = std::move(owner);
  job.max_attempts = max_attempts;
  job.run_after = created_at;
  job.created_at = created_at;
  return job;
}

class JobFairnessTest : public CatalogTest {
 protected:
  void Enqueue(const Job& job) {
    Write([&](CatalogTransaction& tx) { tx.jobs().Enqueue(job); });
  }
  std::optional<Job> Lease(const std::string& worker, Timestamp now = kNow) {
    return catalog_->WriteValue([&](CatalogTransaction& tx) {
      return tx.jobs().Lease(kKind, worker, now, now + kLeaseUntil);
    });
  }
  // One worker that completes each job before leasing the next: the ids in lease order.
  std::vector<std::string> DrainWithOneWorker() {
    std::vector<std::string> order;
    while (std::optional<Job> job = Lease("w1")) {
      order.push_back(job->id);
      Write([&](CatalogTransaction& tx) { EXPECT_TRUE(tx.jobs().Complete(job->id, "w1")); });
    }
    return order;
  }
  std::int64_t Active(const std::string& owner) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.jobs().CountActive(owner); });
  }
};

TEST_F(JobFairnessTest, ALaterSingleJobIsLeasedSecondNotAfterTheBacklog) {
  for (int i = 0; i < 10; ++i) Enqueue(OwnedJob("a" + std::to_string(i), "A", 1000 + i));
  Enqueue(OwnedJob("b0", "B", 2000));  // enqueued after all of A's

  std::vector<std::string> order = DrainWithOneWorker();

  ASSERT_EQ(order.size(), 11u);
  EXPECT_EQ(order[0], "a0");
  EXPECT_EQ(order[1], "b0");  // not eleventh
  // Within an owner, oldest first.
  EXPECT_EQ(order[2], "a1");
  EXPECT_EQ(order[10], "a9");
}

TEST_F(JobFairnessTest, TwoOwnersInterleave) {
  for (int i = 0; i < 3; ++i) Enqueue(OwnedJob("a" + std::to_string(i), "A", 1000 + i));
  for (int i = 0; i < 3; ++i) Enqueue(OwnedJob("b" + std::to_string(i), "B", 1100 + i));

  EXPECT_EQ(DrainWithOneWorker(), (Strings{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

TEST_F(JobFairnessTest, AnOwnerWithAJobRunningWaitsBehindOneWithNone) {
  // Two workers: A's first job is running while the second worker leases.
  for (int i = 0; i < 5; ++i) Enqueue(OwnedJob("a" + std::to_string(i), "A", 1000 + i));
  Enqueue(OwnedJob("b0", "B", 3000));
  Enqueue(OwnedJob("c0", "C", 4000));

  EXPECT_EQ(Lease("w1")->id, "a0");
  EXPECT_EQ(Lease("w2")->id, "b0");
  EXPECT_EQ(Lease("w3")->id, "c0");
  EXPECT_EQ(Lease("w4")->id, "a1");
}

TEST_F(JobFairnessTest, FairnessKeepsBackoffAndExpiryTakeover) {
  Job later = OwnedJob("b0", "B", 1000);
  later.run_after = kNow + 5000;  // backing off: not runnable yet
  Enqueue(later);
  Enqueue(OwnedJob("a0", "A", 2000));

  EXPECT_EQ(Lease("w1")->id, "a0");
  EXPECT_FALSE(Lease("w2").has_value());  // b0 waits for its run_after, a0 is leased
  // a0's worker dies: once its lease runs out, it is taken over with its attempts counted.
  std::optional<Job> taken = Lease("w2", kNow + kLeaseUntil + 1);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->id, "b0");  // B has never been served
  std::optional<Job> again = Lease("w3", kNow + kLeaseUntil + 2);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, "a0");
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->owner_id, "A");
}

TEST_F(JobFairnessTest, JobsWithoutAnOwnerShareOneTurn) {
  Enqueue(OwnedJob("n0", "", 1000));
  Enqueue(OwnedJob("n1", "", 1001));
  Enqueue(OwnedJob("a0", "A", 2000));

  EXPECT_EQ(DrainWithOneWorker(), (Strings{"n0", "a0", "n1"}));
}

TEST_F(JobFairnessTest, ReEnqueueWithoutAnOwnerKeepsTheOwner) {
  Enqueue(OwnedJob("a0", "A", 1000));
  Job again = OwnedJob("a1", "", 1500);
  again.subject_id = "subject-a0";  // the same subject: the row is reset
  Enqueue(again);

  std::optional<Job> stored = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.jobs().FindBySubject(kKind, "subject-a0"); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, "a1");
  EXPECT_EQ(stored->owner_id, "A");
}

TEST_F(JobFairnessTest, CountActiveLeavesOutPermanentFailuresAndOtherOwners) {
  Enqueue(OwnedJob("a0", "A", 1000, /*max_attempts=*/1));
  Enqueue(OwnedJob("a1", "A", 1001));
  Enqueue(OwnedJob("b0", "B", 1002));
  EXPECT_EQ(Active("A"), 2);
  EXPECT_EQ(Active("B"), 1);
  EXPECT_EQ(Active("nobody"), 0);

  // a0 fails its only attempt: it stays as the record of a permanent failure, not active.
  std::optional<Job> leased = Lease("w1");
  ASSERT_TRUE(leased.has_value());
  ASSERT_EQ(leased->id, "a0");
  EXPECT_EQ(Active("A"), 2);  // running counts
  Write([](CatalogTransaction& tx) { EXPECT_TRUE(tx.jobs().Retry("a0", "w1", kNow, "broken")); });
  EXPECT_EQ(Active("A"), 1);
}

class AccountUsageTest : public CatalogTest {};

TEST_F(AccountUsageTest, OpenSlotsCountUnexpiredSlotsOfTheUser) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "one@example.com"));
    tx.users().Insert(MakeUser("u2", "two@example.com"));
    Upload early = MakeUpload("s1", "u1", "originals/s1");
    early.expires_at = 5000;
    Upload late = MakeUpload("s2", "u1", "originals/s2");
    late.expires_at = 9000;
    Upload gone = MakeUpload("s3", "u1", "originals/s3");
    gone.expires_at = 100;
    tx.uploads().Insert(early);
    tx.uploads().Insert(late);
    tx.uploads().Insert(gone);
    tx.uploads().Insert(MakeUpload("s4", "u2", "originals/s4"));
  });
  OpenSlots open = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.uploads().CountOpen("u1", 1000); });
  EXPECT_EQ(open.count, 2);
  EXPECT_EQ(open.earliest_expiry, 5000);
  OpenSlots none = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.uploads().CountOpen("u3", 1000); });
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.earliest_expiry, 0);
}

TEST_F(AccountUsageTest, StoredBytesAddOriginalsRenditionsAndCompletedUploads) {
  SeedAlbum();  // u1 owns ar1/al1
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u2", "two@example.com"));
    tx.artists().Insert(MakeArtist("ar2", "u2"));
    tx.albums().Insert(MakeAlbum("al2", "ar2"));
    Track t1 = MakeTrack("t1", "al1");
    t1.blob_size = 1000;
    Track t2 = MakeTrack("t2", "al1");
    t2.blob_size = 300;
    Track other = MakeTrack("t3", "al2");
    other.blob_size = 99999;
    tx.tracks().Insert(t1);
    tx.tracks().Insert(t2);
    tx.tracks().Insert(other);
    Rendition r;
    r.spec = StandardRenditions().front();
    r.packaging = "cmaf";
    r.codecs = "mp4a.40.2";
    r.sample_rate = 48000;
    r.channels = 2;
    r.timescale = 48000;
    r.blob_key = "renditions/t1/x/init.mp4";
    r.size_bytes = 50;  // init and segments together
    r.segments.push_back(Segment{0, "renditions/t1/x/0.m4s", 48000, 40});
    tx.renditions().ReplaceForTrack("t1", {r});

    Upload completed = MakeUpload("s1", "u1", "originals/s1");
    tx.uploads().Insert(completed);
    tx.uploads().MarkCompleted("s1", 70, 1000);
    tx.uploads().Insert(MakeUpload("s2", "u1", "originals/s2"));  // nothing uploaded yet
    tx.uploads().Insert(MakeUpload("s3", "u2", "originals/s3"));
    tx.uploads().MarkCompleted("s3", 5, 1000);
  });
  auto stored = [&](const char* user) {
    return catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.tracks().StoredBytesOfOwner(user) + tx.uploads().CompletedBytes(user);
    });
  };
  EXPECT_EQ(stored("u1"), 1000 + 300 + 50 + 70);
  EXPECT_EQ(stored("u2"), 99999 + 5);
  EXPECT_EQ(stored("nobody"), 0);
}

}  // namespace
}  // namespace cadenza::testing
