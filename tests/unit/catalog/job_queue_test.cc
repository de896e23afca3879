#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

constexpr char kKind[] = "transcode";

Job MakeJob(std::string id, std::string subject_id, Timestamp run_after = 1000,
            Timestamp created_at = 1000, int max_attempts = 3) {
  Job job;
  job.id = std::move(id);
  job.kind = kKind;
  job.subject_id = std::move(subject_id);
  job.max_attempts = max_attempts;
  job.run_after = run_after;
  job.created_at = created_at;
  return job;
}

class JobQueueTest : public CatalogTest {
 protected:
  void Enqueue(const Job& job) {
    Write([&](CatalogTransaction& tx) { tx.jobs().Enqueue(job); });
  }
  std::optional<Job> Lease(const std::string& worker, Timestamp now, Timestamp until,
                           const std::string& kind = kKind) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.jobs().Lease(kind, worker, now, until); });
  }
  bool Renew(const std::string& id, const std::string& worker, Timestamp until) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.jobs().Renew(id, worker, until); });
  }
  bool Complete(const std::string& id, const std::string& worker) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.jobs().Complete(id, worker); });
  }
  bool Retry(const std::string& id, const std::string& worker, Timestamp run_after,
             const std::string& error) {
    return catalog_->WriteValue(
        [&](CatalogTransaction& tx) { return tx.jobs().Retry(id, worker, run_after, error); });
  }
  std::optional<Job> Find(const std::string& subject, const std::string& kind = kKind) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.jobs().FindBySubject(kind, subject); });
  }
};

TEST_F(JobQueueTest, EnqueueLeaseRenewCompleteCheckTheOwner) {
  Job enqueued = MakeJob("j1", "t1");
  enqueued.attempts = 4;  // ignored: a new job has had no attempts
  enqueued.lease_owner = "someone";
  Enqueue(enqueued);
  auto stored = Find("t1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, "j1");
  EXPECT_EQ(stored->kind, kKind);
  EXPECT_EQ(stored->attempts, 0);
  EXPECT_EQ(stored->max_attempts, 3);
  EXPECT_EQ(stored->run_after, 1000);
  EXPECT_EQ(stored->created_at, 1000);
  EXPECT_FALSE(stored->lease_owner.has_value());
  EXPECT_FALSE(stored->last_error.has_value());

  auto leased = Lease("w1", 1000, 2000);
  ASSERT_TRUE(leased.has_value());
  EXPECT_EQ(leased->id, "j1");
  EXPECT_EQ(leased->subject_id, "t1");
  EXPECT_EQ(leased->attempts, 1);
  EXPECT_EQ(leased->lease_owner, "w1");
  EXPECT_EQ(leased->lease_expires_at, 2000);

  EXPECT_FALSE(Lease("w2", 1500, 2500).has_value());  // held
  EXPECT_FALSE(Lease("w2", 5000, 6000, "other-kind").has_value());

  EXPECT_FALSE(Renew("j1", "w2", 3000));
  EXPECT_TRUE(Renew("j1", "w1", 3000));
  EXPECT_EQ(Find("t1")->lease_expires_at, 3000);
  EXPECT_FALSE(Lease("w2", 2500, 4000).has_value());  // the renewal counts

  EXPECT_FALSE(Complete("j1", "w2"));
  EXPECT_TRUE(Find("t1").has_value());
  EXPECT_TRUE(Complete("j1", "w1"));
  EXPECT_FALSE(Find("t1").has_value());
  EXPECT_FALSE(Complete("j1", "w1"));
  EXPECT_FALSE(Renew("j1", "w1", 9000));
  EXPECT_FALSE(Lease("w1", 9000, 10000).has_value());
}

TEST_F(JobQueueTest, RetryReleasesRecordsTheErrorAndBacksOff) {
  Enqueue(MakeJob("j1", "t1"));
  ASSERT_TRUE(Lease("w1", 1000, 2000).has_value());
  EXPECT_FALSE(Retry("j1", "w2", 5000, "not mine"));
  EXPECT_TRUE(Retry("j1", "w1", 5000, "disk full"));
  auto stored = Find("t1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->lease_owner.has_value());
  EXPECT_EQ(stored->run_after, 5000);
  EXPECT_EQ(stored->last_error, "disk full");
  EXPECT_EQ(stored->attempts, 1);
  EXPECT_FALSE(Retry("j1", "w1", 6000, "twice"));  // the lease is gone

  EXPECT_FALSE(Lease("w2", 4999, 9000).has_value());  // backoff respected
  auto again = Lease("w2", 5000, 9000);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->lease_owner, "w2");
  EXPECT_EQ(again->last_error, "disk full");  // kept until the job completes or is reset
  EXPECT_FALSE(Renew("j1", "w1", 9500));
  EXPECT_TRUE(Complete("j1", "w2"));
}

TEST_F(JobQueueTest, AnExpiredLeaseIsTakenOverAndTheFirstWorkerLosesIt) {
  Enqueue(MakeJob("j1", "t1"));
  ASSERT_TRUE(Lease("w1", 1000, 2000).has_value());
  EXPECT_FALSE(Lease("w2", 1999, 3000).has_value());
  // Past its expiry but not yet taken over, the lease is still the first worker's.
  EXPECT_TRUE(Renew("j1", "w1", 2000));

  auto taken = Lease("w2", 2000, 4000);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->id, "j1");
  EXPECT_EQ(taken->attempts, 2);
  EXPECT_EQ(taken->lease_owner, "w2");
  EXPECT_EQ(taken->lease_expires_at, 4000);

  EXPECT_FALSE(Renew("j1", "w1", 5000));
  EXPECT_FALSE(Complete("j1", "w1"));
  EXPECT_FALSE(Retry("j1", "w1", 5000, "late"));
  auto stored = Find("t1");
  EXPECT_EQ(stored->lease_owner, "w2");
  EXPECT_EQ(stored->lease_expires_at, 4000);
  EXPECT_FALSE(stored->last_error.has_value());
  EXPECT_TRUE(Complete("j1", "w2"));
}

TEST_F(JobQueueTest, JobsThatUsedUpTheirAttemptsAreNotLeasedButStay) {
  Enqueue(MakeJob("j1", "t1", 1000, 1000, /*max_attempts=*/2));
  ASSERT_EQ(Lease("w1", 1000, 2000)->attempts, 1);
  ASSERT_TRUE(Retry("j1", "w1", 1000, "first"));
  ASSERT_EQ(Lease("w1", 1000, 2000)->attempts, 2);
  ASSERT_TRUE(Retry("j1", "w1", 1000, "not an audio file"));
  EXPECT_FALSE(Lease("w1", 50'000, 60'000).has_value());
  auto failed = Find("t1");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->attempts, 2);
  EXPECT_EQ(failed->max_attempts, 2);
  EXPECT_EQ(failed->last_error, "not an audio file");
  EXPECT_FALSE(failed->lease_owner.has_value());

  // A last attempt whose worker died is leased once more, past max_attempts, so that a worker
  // records the failure; after that it is not leased again.
  Enqueue(MakeJob("j2", "t2", 1000, 1000, /*max_attempts=*/1));
  ASSERT_EQ(Lease("w1", 1000, 2000)->id, "j2");
  EXPECT_FALSE(Lease("w2", 1500, 3000).has_value());  // the lease still runs
  auto rescued = Lease("w2", 50'000, 60'000);
  ASSERT_TRUE(rescued.has_value());
  EXPECT_EQ(rescued->attempts, 2);
  EXPECT_GT(rescued->attempts, rescued->max_attempts);
  ASSERT_TRUE(Retry("j2", "w2", 50'000, "the worker processing it stopped responding"));
  EXPECT_FALSE(Lease("w3", 90'000, 99'000).has_value());
}

TEST_F(JobQueueTest, LeasesTheOldestRunnableJobFirst) {
  Enqueue(MakeJob("ja", "t-a", /*run_after=*/300, /*created_at=*/1));
  Enqueue(MakeJob("jb", "t-b", 100, 5));
  Enqueue(MakeJob("jc", "t-c", 100, 2));
  Enqueue(MakeJob("jd", "t-d", 2000, 0));  // not yet due
  std::vector<std::string> order;
  while (auto job = Lease("w1", 1000, 5000)) order.push_back(job->id);
  EXPECT_EQ(order, (Strings{"jc", "jb", "ja"}));
  EXPECT_EQ(Lease("w1", 2000, 5000)->id, "jd");
}

TEST_F(JobQueueTest, EnqueueForTheSameSubjectResetsTheJob) {
  Enqueue(MakeJob("j1", "t1"));
  ASSERT_TRUE(Lease("w1", 1000, 2000).has_value());
  ASSERT_TRUE(Retry("j1", "w1", 1500, "boom"));
  ASSERT_TRUE(Lease("w1", 1500, 2500).has_value());

  Enqueue(MakeJob("j2", "t1", /*run_after=*/7000, /*created_at=*/6000, /*max_attempts=*/4));
  auto reset = Find("t1");
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->id, "j2");
  EXPECT_EQ(reset->attempts, 0);
  EXPECT_EQ(reset->max_attempts, 4);
  EXPECT_EQ(reset->run_after, 7000);
  EXPECT_EQ(reset->created_at, 6000);
  EXPECT_FALSE(reset->lease_owner.has_value());
  EXPECT_EQ(reset->lease_expires_at, 0);
  EXPECT_FALSE(reset->last_error.has_value());
  // The old lease is gone with the old job.
  EXPECT_FALSE(Renew("j1", "w1", 9000));
  EXPECT_FALSE(Complete("j1", "w1"));

  // The same subject under another kind is another job.
  Job other = MakeJob("j3", "t1", 7000);
  other.kind = "cover";
  Enqueue(other);
  EXPECT_EQ(Find("t1", "cover")->id, "j3");
  auto leased = Lease("w2", 7000, 8000);
  ASSERT_TRUE(leased.has_value());
  EXPECT_EQ(leased->id, "j2");
  EXPECT_EQ(leased->attempts, 1);
  EXPECT_FALSE(Lease("w2", 7000, 8000).has_value());  // one job per subject and kind
}

TEST_F(JobQueueTest, AJobIdCannotBeReusedForAnotherSubject) {
  Enqueue(MakeJob("j1", "t1"));
  EXPECT_EQ(ThrownCode([&] { Enqueue(MakeJob("j1", "t2")); }), ErrorCode::kConflict);
  EXPECT_FALSE(Find("t2").has_value());
}

TEST_F(JobQueueTest, LeasingNeedsAWriteTransaction) {
  Enqueue(MakeJob("j1", "t1"));
  EXPECT_EQ(ThrownCode([&] {
              Read([](CatalogTransaction& tx) { tx.jobs().Lease(kKind, "w1", 1000, 2000); });
            }),
            ErrorCode::kInternal);
  EXPECT_EQ(Find("t1")->attempts, 0);
  EXPECT_THROW(Write([](CatalogTransaction& tx) { tx.jobs().Lease(kKind, "", 1000, 2000); }),
               std::invalid_argument);
}

TEST_F(JobQueueTest, ConcurrentWorkersNeverLeaseTheSameJob) {
  constexpr int kJobs = 50;
  constexpr int kThreads = 4;
  Write([](CatalogTransaction& tx) {
    for (int i = 0; i < kJobs; ++i) {
      tx.jobs().Enqueue(MakeJob("j" + std::to_string(i), "t" + std::to_string(i), 1000, i));
    }
  });
  // Two catalogs on one file stand for two processes; two threads lease through each.
  auto other = Open(2);
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> leased_by;  // job id -> workers
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Catalog& catalog = t % 2 == 0 ? *catalog_ : *other;
    threads.emplace_back([&, t] {
      std::string worker = "w" + std::to_string(t);
      try {
        while (true) {
          auto job = catalog.WriteValue([&](CatalogTransaction& tx) {
            return tx.jobs().Lease(kKind, worker, 5000, 1'000'000);
          });
          if (!job) break;
          std::lock_guard lock(mutex);
          leased_by[job->id].push_back(worker);
        }
      } catch (...) {
        failures.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(leased_by.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, workers] : leased_by) {
    EXPECT_EQ(workers.size(), 1u) << id << " leased more than once";
    auto stored = Find("t" + id.substr(1));
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->attempts, 1);
    EXPECT_EQ(stored->lease_owner, workers.front());
  }
}

}  // namespace
}  // namespace cadenza::testing
