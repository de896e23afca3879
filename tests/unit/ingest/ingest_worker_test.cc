// The transcoding worker end to end on real parts: FFmpeg, SQLite and the local blob store.
// Processing, redelivery, bad input, a dead worker's expired lease, retries with backoff,
// and audio replaced or a track deleted while a job is in progress.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "unit/ingest/ingest_fixture.h"

namespace cadenza::ingest_testing {
namespace {

using std::chrono::seconds;

class IngestWorkerTest : public IngestFixture {
 protected:
  IngestWorker worker_{*catalog_, blobs_, ffmpeg_, clock_, WorkerOptions("worker-b")};

  // The blob folder holds exactly what the database points to, once the janitor ran.
  void ExpectNoOrphans(const std::vector<std::string>& track_ids) {
    janitor_.DrainBlobDeletions();
    EXPECT_EQ(StoredKeys(), ReferencedKeys(track_ids));
    EXPECT_TRUE(QueuedDeletions().empty());
  }

  bool WorkFolderIsEmpty() {
    const fs::path work = dir_.path() / "work";
    return !fs::exists(work) || fs::is_empty(work);
  }
};

TEST_F(IngestWorkerTest, AGeneratedFlacGoesFromProcessingToReady) {
  std::string flac = GenerateFlac(dir_.path(), 13);
  Track created = CreateTrack(flac);  // no title, no track number: the tags fill them in
  EXPECT_EQ(created.status, TrackStatus::kProcessing);
  EXPECT_EQ(created.progress, 0);
  EXPECT_EQ(created.title, kPlaceholderTrackTitle);
  std::optional<Job> job = JobOf(created.id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->kind, "transcode");
  EXPECT_EQ(job->max_attempts, 5);
  EXPECT_EQ(job->run_after, clock_.Now());
  EXPECT_EQ(job->attempts, 0);

  EXPECT_TRUE(worker_.RunOnce());

  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kReady);
  EXPECT_EQ(track.progress, 1);
  EXPECT_FALSE(track.error);
  ASSERT_TRUE(track.duration_ms);
  EXPECT_NEAR(static_cast<double>(*track.duration_ms), 13000, 50);
  ASSERT_TRUE(track.loudness);
  EXPECT_LT(track.loudness->integrated_lufs, 0);
  EXPECT_NEAR(track.loudness->gain_db, kTargetLufs - track.loudness->integrated_lufs, 1e-6);
  EXPECT_EQ(track.title, "Tagged Title");
  EXPECT_EQ(track.track_number, 7);
  EXPECT_EQ(track.blob_key, created.blob_key);  // the original is kept

  std::string prefix = ExpectCompleteRenditions(track);
  EXPECT_EQ(prefix, RenditionPrefix(track.id, job->id, 1));
  for (const Rendition& r : RenditionsOf(track.id)) {
    // 13 s at a ~6 s target: three segments, none more than 0.5 s over the target.
    if (r.packaging != "cmaf") continue;
    EXPECT_EQ(r.segments.size(), 3u) << RenditionName(r.spec);
    for (const Segment& s : r.segments) EXPECT_LE(s.duration, r.timescale * 6.5);
  }
  EXPECT_FALSE(JobOf(track.id));
  // The commit recorded the track as ready, for the job's owner.
  auto records = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.events().ListAfter(0, 100); });
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().event.type, "track_ready");
  EXPECT_EQ(records.back().event.subject_id, track.id);
  EXPECT_EQ(records.back().event.user_id, job->owner_id);
  EXPECT_FALSE(worker_.RunOnce());  // nothing left to do
  EXPECT_TRUE(WorkFolderIsEmpty());
  ExpectNoOrphans({track.id});
}

TEST_F(IngestWorkerTest, FieldsTheUploaderSetAreNotReplacedByTags) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 3), "My Own Title", 2);
  ASSERT_TRUE(worker_.RunOnce());
  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kReady);
  EXPECT_EQ(track.title, "My Own Title");
  EXPECT_EQ(track.track_number, 2);
  // What the file says is still offered alongside.
  EXPECT_EQ(track.tags.title, "Tagged Title");
  EXPECT_EQ(track.tags.track_number, 7);
  EXPECT_FALSE(track.tags.artist);
}

TEST_F(IngestWorkerTest, ARedoLeavesOneSetOfRenditionsAndNoOrphanBlobs) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 13));
  ASSERT_TRUE(worker_.RunOnce());
  std::string first = ExpectCompleteRenditions(GetTrack(created.id));

  // At-least-once delivery: the same work is delivered again.
  catalog_->Write([&](CatalogTransaction& tx) {
    Job again;
    again.id = ids_.Next();
    again.kind = "transcode";
    again.subject_id = created.id;
    again.max_attempts = 5;
    again.run_after = clock_.Now();
    again.created_at = clock_.Now();
    tx.jobs().Enqueue(again);
  });
  ASSERT_TRUE(worker_.RunOnce());

  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kReady);
  std::string second = ExpectCompleteRenditions(track);
  EXPECT_NE(first, second);  // the redo never overwrote blobs the first rows pointed to
  EXPECT_EQ(RenditionsOf(track.id).size(), 9u);
  ExpectNoOrphans({track.id});
  for (const std::string& key : StoredKeys()) EXPECT_FALSE(key.starts_with(first)) << key;
}

TEST_F(IngestWorkerTest, ATextFileFailsWithAReasonAndLeavesNoBlobs) {
  Track created = CreateTrack("This is a text file, not audio at all.\n", "Notes");
  ASSERT_TRUE(worker_.RunOnce());

  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  ASSERT_TRUE(track.error);
  EXPECT_EQ(*track.error, "not an audio file");
  EXPECT_FALSE(track.loudness);
  EXPECT_TRUE(RenditionsOf(track.id).empty());
  EXPECT_FALSE(JobOf(track.id));  // permanent: not retried
  EXPECT_FALSE(worker_.RunOnce());
  EXPECT_TRUE(WorkFolderIsEmpty());
  ExpectNoOrphans({track.id});
  EXPECT_EQ(StoredKeys(), (std::set<std::string>{track.blob_key}));
}

TEST_F(IngestWorkerTest, AnExpiredLeaseIsTakenOverByAnotherWorkerExactlyOnce) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 13));
  // Worker A leases the job, stores part of its output, and dies.
  std::optional<Job> leased = catalog_->WriteValue([&](CatalogTransaction& tx) {
    return tx.jobs().Lease("transcode", "worker-a/1", clock_.Now(),
                           clock_.Now() + std::chrono::milliseconds(kLease).count());
  });
  ASSERT_TRUE(leased);
  std::string dead_prefix = RenditionPrefix(created.id, leased->id, 1);
  blobs_.Put(dead_prefix + "aac_96/init.mp4", "partial output of the dead worker");
  blobs_.Put(dead_prefix + "aac_96/seg-00000.m4s", "partial output of the dead worker");
  fs::create_directories(dir_.path() / "work" / (leased->id + "-1"));

  EXPECT_FALSE(worker_.RunOnce());  // A's lease still runs
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kProcessing);

  clock_.Advance(kLease + seconds(1));
  EXPECT_TRUE(worker_.RunOnce());

  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kReady);
  EXPECT_EQ(ExpectCompleteRenditions(track), RenditionPrefix(created.id, leased->id, 2));
  EXPECT_FALSE(JobOf(track.id));
  EXPECT_FALSE(worker_.RunOnce());  // done exactly once

  // Worker A wakes up: its lease is gone, it can neither renew nor complete.
  catalog_->Write([&](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.jobs().Renew(leased->id, "worker-a/1", clock_.Now() + 60'000));
    EXPECT_FALSE(tx.jobs().Complete(leased->id, "worker-a/1"));
  });
  EXPECT_TRUE(WorkFolderIsEmpty());
  ExpectNoOrphans({track.id});
}

TEST_F(IngestWorkerTest, ATransientFailureIsRetriedWithExponentialBackoff) {
  std::string flac = GenerateFlac(dir_.path(), 3);
  Track created = CreateTrack(flac);
  blobs_.Remove(created.blob_key);  // the store lost the original (for now)

  ASSERT_TRUE(worker_.RunOnce());
  std::optional<Job> job = JobOf(created.id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->attempts, 1);
  EXPECT_EQ(job->run_after, clock_.Now() + 5'000);
  EXPECT_FALSE(job->lease_owner);
  ASSERT_TRUE(job->last_error);
  EXPECT_NE(job->last_error->find("missing"), std::string::npos) << *job->last_error;
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kProcessing);

  EXPECT_FALSE(worker_.RunOnce());  // backing off
  clock_.Advance(seconds(5));
  ASSERT_TRUE(worker_.RunOnce());
  job = JobOf(created.id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->attempts, 2);
  EXPECT_EQ(job->run_after, clock_.Now() + 10'000);

  clock_.Advance(seconds(10));
  blobs_.Put(created.blob_key, flac);  // the store is back
  ASSERT_TRUE(worker_.RunOnce());
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kReady);
  EXPECT_FALSE(JobOf(created.id));
  ExpectNoOrphans({created.id});
}

TEST_F(IngestWorkerTest, TheTrackFailsOnceTheAttemptsRunOut) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 2));
  blobs_.Remove(created.blob_key);
  std::int64_t delay = 5'000;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    ASSERT_TRUE(worker_.RunOnce()) << attempt;
    if (attempt < 5) {
      EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kProcessing);
      EXPECT_EQ(JobOf(created.id)->run_after, clock_.Now() + delay);
      clock_.Advance(std::chrono::milliseconds(delay));
      delay *= 2;
    }
  }
  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  ASSERT_TRUE(track.error);
  EXPECT_TRUE(track.error->starts_with("processing failed after 5 attempts: ")) << *track.error;
  EXPECT_FALSE(JobOf(created.id));
  EXPECT_FALSE(worker_.RunOnce());
}

TEST_F(IngestWorkerTest, AWorkerDyingOnTheLastAttemptFailsTheTrackInsteadOfLeavingItProcessing) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 2));
  const int max_attempts = JobOf(created.id)->max_attempts;
  // Every allowed attempt is taken by a worker that dies holding its lease (each lease queues
  // the previous attempt's prefix, as IngestWorker does).
  std::string last_prefix;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    std::optional<Job> leased = catalog_->WriteValue([&](CatalogTransaction& tx) {
      auto job = tx.jobs().Lease("transcode", "worker-a/" + std::to_string(attempt), clock_.Now(),
                                 clock_.Now() + std::chrono::milliseconds(kLease).count());
      if (job && attempt > 1) tx.blob_deletions().Enqueue(last_prefix);
      return job;
    });
    ASSERT_TRUE(leased) << attempt;
    last_prefix = RenditionPrefix(created.id, leased->id, attempt);
    blobs_.Put(last_prefix + "aac_96/init.mp4", "partial output of a dead worker");
    clock_.Advance(kLease + seconds(1));
  }
  ASSERT_TRUE(worker_.RunOnce());
  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kFailed);
  ASSERT_TRUE(track.error);
  EXPECT_EQ(*track.error, "processing failed after " + std::to_string(max_attempts) +
                              " attempts: the worker processing it stopped responding");
  EXPECT_FALSE(JobOf(created.id));
  EXPECT_FALSE(worker_.RunOnce());
  ExpectNoOrphans({track.id});
}

TEST_F(IngestWorkerTest, AudioReplacedDuringAJobIsTranscodedAgainAndTheOldOutputDiscarded) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 4, 440, "First"));
  std::string replacement = GenerateFlac(dir_.path(), 6, 880, "Second");
  IngestWorker worker(*catalog_, blobs_, hooked_, clock_, WorkerOptions("worker-c"));
  hooked_.after_transcode = [&] {
    TrackPatch patch;
    patch.upload_key = Upload(replacement, created.id);
    Track patched = tracks_.Update(artist_, created.id, patch);
    EXPECT_EQ(patched.status, TrackStatus::kProcessing);
  };

  ASSERT_TRUE(worker.RunOnce());  // its output describes the old audio: discarded
  Track track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kProcessing);
  EXPECT_TRUE(RenditionsOf(created.id).empty());
  ASSERT_TRUE(JobOf(created.id));

  ASSERT_TRUE(worker.RunOnce());
  track = GetTrack(created.id);
  EXPECT_EQ(track.status, TrackStatus::kReady);
  ASSERT_TRUE(track.duration_ms);
  EXPECT_NEAR(static_cast<double>(*track.duration_ms), 6000, 50);
  EXPECT_EQ(track.title, "Second");
  ExpectCompleteRenditions(track);
  EXPECT_EQ(hooked_.calls, 2);
  ExpectNoOrphans({track.id});
}

TEST_F(IngestWorkerTest, ATrackDeletedDuringAJobLeavesNothingBehind) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 4));
  IngestWorker worker(*catalog_, blobs_, hooked_, clock_, WorkerOptions("worker-d"));
  hooked_.after_transcode = [&] { tracks_.Delete(artist_, created.id); };

  ASSERT_TRUE(worker.RunOnce());
  EXPECT_FALSE(JobOf(created.id));
  EXPECT_FALSE(worker.RunOnce());
  janitor_.DrainBlobDeletions();
  EXPECT_TRUE(StoredKeys().empty());
  EXPECT_TRUE(WorkFolderIsEmpty());
}

TEST_F(IngestWorkerTest, DeletingATrackWhoseWorkerDiedRemovesTheDeadAttemptsBlobs) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 2));
  std::optional<Job> leased = catalog_->WriteValue([&](CatalogTransaction& tx) {
    return tx.jobs().Lease("transcode", "worker-a/1", clock_.Now(), clock_.Now() + 60'000);
  });
  ASSERT_TRUE(leased);
  blobs_.Put(RenditionPrefix(created.id, leased->id, 1) + "mp3_96.mp3", "stored, never committed");

  tracks_.Delete(artist_, created.id);
  janitor_.DrainBlobDeletions();

  EXPECT_TRUE(StoredKeys().empty());
  clock_.Advance(kLease + seconds(1));
  ASSERT_TRUE(worker_.RunOnce());  // the orphaned job is completed, not retried forever
  EXPECT_FALSE(JobOf(created.id));
}

TEST_F(IngestWorkerTest, AJobForADeletedTrackIsCompleted) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 2));
  tracks_.Delete(artist_, created.id);
  ASSERT_TRUE(JobOf(created.id));
  ASSERT_TRUE(worker_.RunOnce());
  EXPECT_FALSE(JobOf(created.id));
}

TEST_F(IngestWorkerTest, WorkerThreadsProcessEveryQueuedTrack) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(CreateTrack(GenerateFlac(dir_.path(), 3, 300 + 100 * i)).id);
  IngestOptions options = WorkerOptions("worker-e");
  options.concurrency = 2;
  options.threads_per_job = 1;
  IngestWorker worker(*catalog_, blobs_, ffmpeg_, clock_, options);
  worker.Start();
  auto all_done = [&] {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return GetTrack(id).status != TrackStatus::kProcessing;
    });
  };
  // Bounded wait: the test fails rather than hangs if the threads never get to the jobs.
  for (int i = 0; i < 1200 && !all_done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  worker.Stop();
  for (const std::string& id : ids) {
    Track track = GetTrack(id);
    EXPECT_EQ(track.status, TrackStatus::kReady) << id;
    ExpectCompleteRenditions(track);
  }
  ExpectNoOrphans(ids);
  worker.Stop();  // idempotent
}

TEST_F(IngestWorkerTest, StopHandsBackAJobThatIsStillTranscoding) {
  Track created = CreateTrack(GenerateFlac(dir_.path(), 13));
  IngestOptions options = WorkerOptions("worker-f");
  options.poll_interval = seconds(1);
  IngestWorker worker(*catalog_, blobs_, hooked_, clock_, options);
  std::atomic<bool> transcoding{false};
  hooked_.on_first_progress = [&] {
    // Mid-transcode: the transcode goes on only once the worker is stopping.
    transcoding = true;
    while (!worker.stopping()) std::this_thread::yield();
  };
  worker.Start();
  for (int i = 0; i < 600 && !transcoding; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(transcoding);
  worker.Stop();

  std::optional<Job> job = JobOf(created.id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->attempts, 1);
  EXPECT_FALSE(job->lease_owner);             // runnable by anyone...
  EXPECT_EQ(job->run_after, clock_.Now());  // ...at once
  EXPECT_EQ(job->last_error, "the worker stopped");
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kProcessing);
  EXPECT_TRUE(WorkFolderIsEmpty());
  EXPECT_EQ(StoredKeys(), (std::set<std::string>{created.blob_key}));  // cancelled, not finished

  ASSERT_TRUE(worker_.RunOnce());  // another worker takes it over
  EXPECT_EQ(GetTrack(created.id).status, TrackStatus::kReady);
  ExpectNoOrphans({created.id});
}

TEST(RenditionPrefixTest, NamesTheAttempt) {
  EXPECT_EQ(RenditionPrefix("t1", "j1", 3), "renditions/t1/j1-3/");
}

}  // namespace
}  // namespace cadenza::ingest_testing
