#include "services/ingest/attempt_failure.h"

#include <algorithm>
#include <optional>

#include "domain/entities.h"
#include "services/ingest/transcode_job.h"

namespace cadenza {

FailureOutcome RecordAttemptFailure(CatalogTransaction& tx, const IngestAttempt& attempt,
                                    const FailureReason& reason, bool permanent,
                                    std::chrono::milliseconds backoff_base,
                                    const IdGenerator& ids, Timestamp now) {
  const Job& job = attempt.job;
  tx.blob_deletions().Enqueue(attempt.prefix);
  if (!permanent && job.attempts < job.max_attempts) {
    // Storage or database trouble, a missing blob: it may pass.
    tx.jobs().Retry(job.id, attempt.owner,
                    now + TranscodeRetryDelay(backoff_base, job.attempts).count(),
                    reason.detail);
    return FailureOutcome::kRetrying;
  }
  if (!tx.jobs().Complete(job.id, attempt.owner)) return FailureOutcome::kNotOurs;
  std::optional<Track> track = tx.tracks().FindById(job.subject_id);
  if (!track) return FailureOutcome::kGaveUp;
  if (attempt.original_key && track->blob_key != *attempt.original_key) {
    // The failure was the old audio's.
    tx.jobs().Enqueue(NewTranscodeJob(ids, job.subject_id, now, job.max_attempts));
    return FailureOutcome::kGaveUp;
  }
  tx.renditions().ReplaceForTrack(track->id, {});
  track->status = TrackStatus::kFailed;
  track->progress = 0;
  track->error = permanent ? reason.for_people
                           : "processing failed after " +
                                 std::to_string(std::min(job.attempts, job.max_attempts)) +
                                 " attempts: " + reason.for_people;
  track->updated_at = now;
  tx.tracks().Update(*track);
  return FailureOutcome::kGaveUp;
}

}  // namespace cadenza
