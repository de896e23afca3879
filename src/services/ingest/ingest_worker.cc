#include "services/ingest/ingest_worker.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "domain/entities.h"
#include "domain/error.h"
#include "media/layout.h"
#include "services/ingest/attempt_commit.h"
#include "services/ingest/attempt_failure.h"
#include "services/ingest/embedded_cover.h"
#include "services/ingest/output_store.h"
#include "services/ingest/rendition_outputs.h"

namespace cadenza {

namespace fs = std::filesystem;

namespace {

// Progress written to the track while transcoding is scaled into [0, kTranscodeShare]: storing
// and committing follow, and 1 means "ready".
constexpr double kTranscodeShare = 0.95;
constexpr std::chrono::seconds kProgressEvery{2};

// Removes a folder tree when it goes out of scope, whatever happened in between.
class FolderGuard {
 public:
  explicit FolderGuard(fs::path path) : path_(std::move(path)) {}
  ~FolderGuard() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  FolderGuard(const FolderGuard&) = delete;
  FolderGuard& operator=(const FolderGuard&) = delete;

 private:
  fs::path path_;
};

fs::path ScratchFolder(const fs::path& work_dir, const Job& job, int attempt) {
  return work_dir / (job.id + "-" + std::to_string(attempt));
}

}  // namespace

IngestWorker::IngestWorker(Catalog& catalog, BlobStore& blobs, Transcoder& transcoder,
                           const Clock& clock, IngestOptions options)
    : catalog_(catalog),
      blobs_(blobs),
      transcoder_(transcoder),
      clock_(clock),
      options_(std::move(options)),
      ids_(clock) {
  options_.concurrency = std::max(1, options_.concurrency);
  if (options_.worker_id.empty()) options_.worker_id = "worker";
  if (options_.work_dir.empty()) throw std::invalid_argument("IngestWorker: work_dir is empty");
}

IngestWorker::~IngestWorker() { Stop(); }

void IngestWorker::Start() {
  MutexLock lock(mutex_);
  if (!threads_.empty()) throw std::logic_error("IngestWorker::Start called twice");
  stopping_ = false;
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this] { Loop(); });
}

void IngestWorker::Stop() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.NotifyAll();
  for (std::thread& thread : threads) thread.join();
}

bool IngestWorker::RunOnce() { return TakeAndRun(false); }

void IngestWorker::Log(std::string_view message) const {
  if (options_.log) options_.log(message);
}

MonitorTiming IngestWorker::Timing() const {
  MonitorTiming timing;
  timing.lease = options_.lease;
  timing.heartbeat = std::max<std::chrono::milliseconds>(options_.heartbeat, std::chrono::seconds(1));
  timing.progress_every = kProgressEvery;
  timing.tick = options_.monitor_tick;
  return timing;
}

Timestamp IngestWorker::LeaseUntil(Timestamp now) const {
  return now + std::chrono::milliseconds(options_.lease).count();
}

void IngestWorker::Loop() {
  while (!stopping_) {
    bool ran = false;
    try {
      ran = TakeAndRun(true);
    } catch (const std::exception& e) {
      Log(std::string("cannot lease transcode jobs: ") + e.what());
    }
    if (ran) continue;
    MutexLock lock(mutex_);
    const std::uint64_t seen = finished_jobs_;
    const auto deadline = std::chrono::steady_clock::now() + options_.poll_interval;
    while (!stopping_ && finished_jobs_ == seen && wake_.WaitUntil(lock, deadline)) {
    }
  }
}

bool IngestWorker::Lease(IngestAttempt& attempt) {
  attempt.owner = options_.worker_id + "/" + std::to_string(++lease_counter_);
  Timestamp now = clock_.Now();
  std::optional<Job> job = catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<Job> leased =
        tx.jobs().Lease(kTranscodeJobKind, attempt.owner, now, LeaseUntil(now));
    // The previous attempt died or failed without committing (a committed attempt removes
    // the job): its blobs, if any, go once this lease is taken.
    if (leased && leased->attempts > 1) {
      tx.blob_deletions().Enqueue(
          RenditionPrefix(leased->subject_id, leased->id, leased->attempts - 1));
    }
    return leased;
  });
  if (!job) return false;
  attempt.job = *std::move(job);
  attempt.prefix = RenditionPrefix(attempt.job.subject_id, attempt.job.id, attempt.job.attempts);
  attempt.work = ScratchFolder(options_.work_dir, attempt.job, attempt.job.attempts);
  if (attempt.job.attempts > 1) {
    // Scratch files of a previous attempt that died on this machine.
    std::error_code ignored;
    fs::remove_all(ScratchFolder(options_.work_dir, attempt.job, attempt.job.attempts - 1),
                   ignored);
  }
  return true;
}

bool IngestWorker::TakeAndRun(bool hand_back_if_stopping) {
  IngestAttempt attempt;
  if (!Lease(attempt)) return false;
  attempt.stopping = &stopping_;
  attempt.may_hand_back = hand_back_if_stopping && attempt.job.attempts < attempt.job.max_attempts;
  try {
    if (attempt.job.attempts > attempt.job.max_attempts) {
      // The last allowed attempt's worker died: record the failure rather than try again.
      RecordFailure(attempt, ReasonForAll("the worker processing it stopped responding"), false);
    } else {
      Run(attempt);
    }
  } catch (const std::exception& e) {
    // Only recording the outcome can land here (the database went away): the lease runs out
    // and the job is taken again.
    Log("transcode job " + attempt.job.id + ": cannot record the outcome: " + e.what());
  }
  {
    MutexLock lock(mutex_);
    ++finished_jobs_;
  }
  wake_.NotifyAll();
  return true;
}

void IngestWorker::Run(IngestAttempt& attempt) {
  FolderGuard cleanup(attempt.work);
  try {
    AttemptMonitor monitor(catalog_, clock_, Timing(), attempt);
    monitor.Start();
    std::optional<fs::path> input = FetchOriginal(attempt);
    if (!input) return;
    TranscodeResult result = Transcode(attempt, *input);
    // From here on the job is finished even when Stop() began: only a lost lease stops it.
    RenditionOutputs outputs =
        PlanRenditionOutputs(result.renditions, attempt.job.subject_id, attempt.prefix);
    StoreOutputs(blobs_, outputs.files, [&] { attempt.ThrowIfLeaseLost(); });
    attempt.ThrowIfLeaseLost();
    monitor.Stop();  // no progress write may land after the commit
    Commit(attempt, outputs.renditions, result);
  } catch (const LeaseLost&) {
    DiscardLostAttempt(attempt);
  } catch (const HandBack&) {
    HandBackJob(attempt);
  } catch (const PermanentFailure& permanent) {
    RecordFailure(attempt, ReasonForAll(permanent.reason), true);
  } catch (const TranscoderFailure& failure) {
    RecordFailure(attempt, ReasonForAll(failure.reason), false);
  } catch (const std::exception& e) {
    RecordFailure(attempt, InternalReason(e.what()), false);
  }
}

std::optional<fs::path> IngestWorker::FetchOriginal(IngestAttempt& attempt) {
  const Job& job = attempt.job;
  std::optional<Track> track = catalog_.ReadValue(
      [&](CatalogTransaction& tx) { return tx.tracks().FindById(job.subject_id); });
  if (!track) {
    catalog_.Write([&](CatalogTransaction& tx) { tx.jobs().Complete(job.id, attempt.owner); });
    Log("transcode job " + job.id + ": track " + job.subject_id + " is gone");
    return std::nullopt;
  }
  attempt.original_key = track->blob_key;
  // FFmpeg reads local files only.
  fs::create_directories(attempt.work / "out");
  fs::path input = CopyOriginalToLocal(blobs_, track->blob_key, track->blob_size, attempt.work);
  attempt.ThrowIfAbandoned();
  return input;
}

TranscodeResult IngestWorker::Transcode(IngestAttempt& attempt, const fs::path& input) {
  TranscodeOptions transcode;
  transcode.limits = options_.limits;
  transcode.threads = options_.threads_per_job;
  TranscodeResult result;
  try {
    result = transcoder_.Transcode(input, attempt.work / "out", transcode, [&](double p) {
      attempt.progress = std::clamp(p, 0.0, 1.0) * kTranscodeShare;
      // Throwing from the progress callback is how an attempt gives up mid-transcode; only
      // on the attempt's own thread, where the exception unwinds through Transcode to Run.
      if (std::this_thread::get_id() == attempt.thread) attempt.ThrowIfAbandoned();
    });
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnprocessable) throw PermanentFailure{e.what()};
    if (e.code() == ErrorCode::kUnavailable) throw TranscoderFailure{e.what()};
    throw;
  }
  attempt.ThrowIfLeaseLost();
  return result;
}

void IngestWorker::Commit(IngestAttempt& attempt, const std::vector<Rendition>& renditions,
                          const TranscodeResult& result) {
  const Job& job = attempt.job;
  CommitOutcome outcome = catalog_.WriteValue([&](CatalogTransaction& tx) {
    Timestamp now = clock_.Now();
    return CommitAttempt(tx, attempt, renditions, result, ids_, now, LeaseUntil(now));
  });
  switch (outcome) {
    case CommitOutcome::kReady:
      Log("track " + job.subject_id + " is ready (job " + job.id + ", attempt " +
          std::to_string(job.attempts) + ")");
      if (result.probe.tags.cover_art && options_.images != nullptr) {
        AdoptEmbeddedCover({catalog_, blobs_, *options_.images, ids_, clock_, options_.log},
                           job.subject_id, *result.probe.tags.cover_art);
      }
      break;
    case CommitOutcome::kLeaseLost:
      Log("transcode job " + job.id + ": lease lost before commit; output discarded");
      break;
    case CommitOutcome::kTrackGone:
      Log("transcode job " + job.id + ": track deleted while transcoding; output discarded");
      break;
    case CommitOutcome::kOriginalReplaced:
      Log("transcode job " + job.id + ": the track's audio was replaced; transcoding again");
      break;
  }
}

void IngestWorker::DiscardLostAttempt(IngestAttempt& attempt) {
  catalog_.Write([&](CatalogTransaction& tx) { tx.blob_deletions().Enqueue(attempt.prefix); });
  Log("transcode job " + attempt.job.id + ": lease lost; another worker has it");
}

void IngestWorker::HandBackJob(IngestAttempt& attempt) {
  // Nothing was stored yet (storing comes after transcoding). Runnable at once, so another
  // worker (or this one after a restart) takes it without waiting for the lease to expire.
  catalog_.Write([&](CatalogTransaction& tx) {
    tx.jobs().Retry(attempt.job.id, attempt.owner, clock_.Now(), "the worker stopped");
  });
  Log("transcode job " + attempt.job.id + ": handed back (worker stopping)");
}

void IngestWorker::RecordFailure(IngestAttempt& attempt, const FailureReason& reason,
                                 bool permanent) {
  const Job& job = attempt.job;
  FailureOutcome outcome = catalog_.WriteValue([&](CatalogTransaction& tx) {
    return RecordAttemptFailure(tx, attempt, reason, permanent, options_.backoff_base, ids_,
                                clock_.Now());
  });
  if (permanent) {
    Log("track " + job.subject_id + " failed: " + reason.detail);
  } else {
    Log("transcode job " + job.id + " (track " + job.subject_id + ") attempt " +
        std::to_string(job.attempts) + " failed" +
        (outcome == FailureOutcome::kRetrying ? " (will retry): " : " (giving up): ") +
        reason.detail);
  }
}

}  // namespace cadenza
