#pragma once
// The durable transcoding worker: leases "transcode" jobs (transcode_job.h) from the
// catalogue, turns a track's original into its renditions with the Transcoder, stores them in
// the BlobStore and commits the rendition rows and the track's new status in one transaction.
// Its parts, each in this folder: attempt_monitor (lease renewal and progress), output_store
// (every blob-store call: the local copy of the original, storing the outputs),
// rendition_outputs (rows and blob names), attempt_commit, attempt_failure, track_tags and
// embedded_cover.
//
// Delivery is at least once, so handling a job is idempotent:
// - Every attempt writes its blobs under its own prefix
//   renditions/<trackId>/<jobId>-<attempt>/ (media/layout.h RenditionPrefix), so a redo never
//   overwrites blobs that committed rows point to.
// - Leasing attempt N queues attempt N-1's prefix for deletion in the same transaction: an
//   attempt that died (its lease expired) or failed leaves nothing behind once the janitor
//   ran. Only the attempt that commits keeps its blobs; RenditionRepository::ReplaceForTrack
//   queues the previous set's keys.
// - The commit re-checks the lease: a worker that lost it (it stalled past the lease and
//   another worker took the job) discards its work instead of committing twice. A lease the
//   monitor finds lost stops the attempt at its next step and queues its blobs for deletion.
// - A job transcodes the track's *current* original: when the original was replaced while a
//   job ran, the job commits nothing and a fresh job is queued for the new original.
//
// Tag-derived fields: a track created without a title carries the placeholder
// kPlaceholderTrackTitle ("Untitled", domain/track_rules.h); a successful transcode replaces
// it with the file's title tag, and fills a missing track number from its tag (track_tags.h).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "domain/job.h"
#include "domain/media.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/image_processor.h"
#include "ports/transcoder.h"
#include "services/id_generator.h"
#include "services/ingest/attempt.h"
#include "services/ingest/attempt_failure.h"
#include "services/ingest/attempt_monitor.h"
#include "services/ingest/transcode_job.h"

namespace cadenza {

struct IngestOptions {
  // Names this worker in job leases; a per-attempt suffix is added, so several threads (and
  // processes with distinct ids) never mistake each other's leases for their own.
  std::string worker_id;
  int concurrency = 1;      // jobs run at once (one thread each)
  int threads_per_job = 0;  // encoder threads per job; 0 = the machine's cores
  std::chrono::seconds lease{60};
  std::chrono::seconds heartbeat{15};     // lease renewal period (>= 1 s); keep well below `lease`
  // How often an attempt's monitor looks at the clock to renew and report progress.
  std::chrono::milliseconds monitor_tick{1000};
  std::chrono::seconds poll_interval{1};  // idle threads look for runnable jobs this often
  std::chrono::seconds backoff_base = kTranscodeBackoffBase;  // retry N waits base * 2^(N-1)
  std::filesystem::path work_dir;         // scratch space for originals and encoder output
  MediaLimits limits;
  // Turns a track's embedded picture into its album's cover when the album has none; null
  // leaves covers alone. Must outlive the worker.
  ImageProcessor* images = nullptr;
  // Job events for the operator ("track X ready", "attempt failed: ..."); may be empty.
  // Called from worker threads.
  std::function<void(std::string_view message)> log;
};

// Thread-safe: Start/Stop from one controlling thread; RunOnce from any thread. Collaborators
// must outlive the worker. The destructor calls Stop().
class IngestWorker {
 public:
  // Throws std::invalid_argument when options.work_dir is empty.
  IngestWorker(Catalog& catalog, BlobStore& blobs, Transcoder& transcoder, const Clock& clock,
               IngestOptions options);
  ~IngestWorker();
  IngestWorker(const IngestWorker&) = delete;
  IngestWorker& operator=(const IngestWorker&) = delete;

  // Starts `concurrency` threads, each leasing and running jobs until Stop(). An idle thread
  // polls every poll_interval and wakes at once when another thread finished a job (a retry
  // or a follow-up may be runnable). Throws std::logic_error when already started.
  void Start();

  // Stops taking jobs and joins the threads, quickly: a job that is still being copied or
  // transcoded is abandoned and handed back at once (Retry with run_after = now, so another
  // worker takes it without waiting for its lease to expire; the transcode is cancelled by
  // throwing from its progress callback on the job's thread). A job already storing its
  // output is finished and committed, and so is a job on its last attempt (handing that one
  // back would leave it never leased again). A process killed instead leaves its jobs leased:
  // they are taken again once their lease expires. Idempotent.
  void Stop();

  // Leases and runs at most one runnable job on the calling thread; true when one was leased
  // (whatever its outcome). Never throws for a job's failure (the job records it); throws
  // Error(kUnavailable) when the catalogue cannot be reached to lease. For tests and tools.
  bool RunOnce();

  // True once Stop() has begun.
  bool stopping() const { return stopping_.load(); }

 private:
  void Loop();
  // Leases one job and runs it; with `hand_back_if_stopping`, Stop() makes it hand the job
  // back unless it is already storing its output.
  bool TakeAndRun(bool hand_back_if_stopping);
  // Leases the next runnable job into `attempt` (queuing the previous attempt's prefix);
  // false when none is runnable.
  bool Lease(IngestAttempt& attempt);
  void Run(IngestAttempt& attempt);
  // The original copied to the attempt's scratch folder; nullopt (the job completed) when the
  // track is gone.
  std::optional<std::filesystem::path> FetchOriginal(IngestAttempt& attempt);
  // Error(kUnprocessable) from the transcoder becomes PermanentFailure.
  TranscodeResult Transcode(IngestAttempt& attempt, const std::filesystem::path& input);
  void Commit(IngestAttempt& attempt, const std::vector<Rendition>& renditions,
              const TranscodeResult& result);
  // Records a failed attempt: `permanent` fails the track at once; anything else is retried
  // with backoff until the attempts run out.
  void RecordFailure(IngestAttempt& attempt, const FailureReason& reason, bool permanent);
  void DiscardLostAttempt(IngestAttempt& attempt);
  void HandBackJob(IngestAttempt& attempt);
  MonitorTiming Timing() const;
  Timestamp LeaseUntil(Timestamp now) const;
  void Log(std::string_view message) const;

  Catalog& catalog_;
  BlobStore& blobs_;
  Transcoder& transcoder_;
  const Clock& clock_;
  IngestOptions options_;
  IdGenerator ids_;

  std::atomic<std::uint64_t> lease_counter_{0};
  std::atomic<bool> stopping_{false};
  Mutex mutex_;
  CondVar wake_;
  std::uint64_t finished_jobs_ GUARDED_BY(mutex_) = 0;  // bumps wake idle threads early
  std::vector<std::thread> threads_ GUARDED_BY(mutex_);
};

}  // namespace cadenza
