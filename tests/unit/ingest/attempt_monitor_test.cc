// The attempt monitor on a manual clock and a real catalogue: moving the clock past the
// heartbeat renews the job's lease and writes the attempt's progress to its track, and a lease
// taken by another worker is noticed.
#include "services/ingest/attempt_monitor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "unit/ingest/ingest_fixture.h"

namespace cadenza::ingest_testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds kHeartbeat{15};

class AttemptMonitorTest : public IngestFixture {
 protected:
  AttemptMonitorTest() {
    track_ = CreateTrack(GenerateFlac(dir_.path(), 1));
    attempt_.owner = "worker-m/1";
    attempt_.job = LeaseAs(attempt_.owner).value();
    attempt_.original_key = track_.blob_key;
  }

  std::optional<Job> LeaseAs(const std::string& owner) {
    return catalog_->WriteValue([&](CatalogTransaction& tx) {
      return tx.jobs().Lease(kTranscodeJobKind, owner, clock_.Now(),
                             clock_.Now() + milliseconds(kLease).count());
    });
  }

  MonitorTiming Timing(milliseconds tick = std::chrono::hours(1)) const {
    MonitorTiming timing;
    timing.lease = kLease;
    timing.heartbeat = kHeartbeat;
    timing.progress_every = seconds(2);
    timing.tick = tick;  // the thread (when started) never looks on its own
    return timing;
  }

  Timestamp LeaseExpiry() { return JobOf(track_.id).value().lease_expires_at; }

  Track track_;
  IngestAttempt attempt_;
};

TEST_F(AttemptMonitorTest, MovingTimePastTheHeartbeatRenewsTheLeaseAndWritesProgress) {
  AttemptMonitor monitor(*catalog_, clock_, Timing(), attempt_);
  const Timestamp leased_until = LeaseExpiry();
  ASSERT_EQ(leased_until, kStart + milliseconds(kLease).count());

  attempt_.progress = 0.4;
  clock_.Advance(seconds(1));  // before the heartbeat and before progress is due
  EXPECT_TRUE(monitor.Check());
  EXPECT_EQ(LeaseExpiry(), leased_until);
  EXPECT_EQ(GetTrack(track_.id).progress, 0);

  clock_.Advance(kHeartbeat);
  EXPECT_TRUE(monitor.Check());
  EXPECT_EQ(LeaseExpiry(), clock_.Now() + milliseconds(kLease).count());
  EXPECT_GT(LeaseExpiry(), leased_until);
  EXPECT_DOUBLE_EQ(GetTrack(track_.id).progress, 0.4);
  EXPECT_EQ(JobOf(track_.id)->lease_owner, attempt_.owner);

  // Renewed again only after another heartbeat; progress only when it grew.
  const Timestamp renewed_until = LeaseExpiry();
  attempt_.progress = 0.7;
  clock_.Advance(seconds(3));
  EXPECT_TRUE(monitor.Check());
  EXPECT_EQ(LeaseExpiry(), renewed_until);
  EXPECT_DOUBLE_EQ(GetTrack(track_.id).progress, 0.7);
  EXPECT_FALSE(attempt_.lease_lost);
}

TEST_F(AttemptMonitorTest, ALeaseTakenByAnotherWorkerIsNoticed) {
  AttemptMonitor monitor(*catalog_, clock_, Timing(), attempt_);
  // This attempt stalls past its lease; another worker takes the job.
  clock_.Advance(kLease + seconds(1));
  ASSERT_TRUE(LeaseAs("worker-n/1"));
  const Timestamp theirs = LeaseExpiry();

  attempt_.progress = 0.5;
  EXPECT_FALSE(monitor.Check());
  EXPECT_TRUE(attempt_.lease_lost);
  EXPECT_THROW(attempt_.ThrowIfLeaseLost(), LeaseLost);
  std::optional<Job> job = JobOf(track_.id);
  EXPECT_EQ(job->lease_owner, "worker-n/1");  // the other worker's lease is untouched
  EXPECT_EQ(job->lease_expires_at, theirs);
  EXPECT_EQ(GetTrack(track_.id).progress, 0);  // a lost attempt reports nothing

  clock_.Advance(kHeartbeat);
  EXPECT_FALSE(monitor.Check());  // and stays lost
  EXPECT_EQ(JobOf(track_.id)->lease_expires_at, theirs);
}

TEST_F(AttemptMonitorTest, ProgressIsNotWrittenOnceTheOriginalWasReplaced) {
  AttemptMonitor monitor(*catalog_, clock_, Timing(), attempt_);
  attempt_.original_key = "tracks/an-older-original";
  attempt_.progress = 0.6;
  clock_.Advance(kHeartbeat);
  EXPECT_TRUE(monitor.Check());
  EXPECT_EQ(LeaseExpiry(), clock_.Now() + milliseconds(kLease).count());  // still renewed
  EXPECT_EQ(GetTrack(track_.id).progress, 0);
}

TEST_F(AttemptMonitorTest, TheStartedThreadChecksEveryTick) {
  AttemptMonitor monitor(*catalog_, clock_, Timing(milliseconds(1)), attempt_);
  attempt_.progress = 0.3;
  clock_.Advance(kHeartbeat);
  const Timestamp expected = clock_.Now() + milliseconds(kLease).count();
  monitor.Start();
  // Bounded wait: the test fails rather than hangs if the thread never checks.
  for (int i = 0; i < 2000 && (LeaseExpiry() != expected || GetTrack(track_.id).progress == 0);
       ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  monitor.Stop();
  EXPECT_EQ(LeaseExpiry(), expected);
  EXPECT_DOUBLE_EQ(GetTrack(track_.id).progress, 0.3);
}

TEST(TranscodeJobTest, RetriesBackOffExponentially) {
  EXPECT_EQ(TranscodeRetryDelay(seconds(5), 1), seconds(5));
  EXPECT_EQ(TranscodeRetryDelay(seconds(5), 2), seconds(10));
  EXPECT_EQ(TranscodeRetryDelay(seconds(5), 4), seconds(40));
  EXPECT_EQ(TranscodeRetryDelay(milliseconds(1), 60), milliseconds(1 << 20));  // capped
}

}  // namespace
}  // namespace cadenza::ingest_testing
