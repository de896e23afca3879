#include "services/ingest/attempt_commit.h"

#include <optional>

#include "domain/entities.h"
#include "services/events/catalog_events.h"
#include "services/ingest/track_tags.h"
#include "services/ingest/transcode_job.h"

namespace cadenza {

CommitOutcome CommitAttempt(CatalogTransaction& tx, const IngestAttempt& attempt,
                            const std::vector<Rendition>& renditions,
                            const TranscodeResult& result, const IdGenerator& ids, Timestamp now,
                            Timestamp lease_until) {
  const Job& job = attempt.job;
  if (!tx.jobs().Renew(job.id, attempt.owner, lease_until)) {
    tx.blob_deletions().Enqueue(attempt.prefix);
    return CommitOutcome::kLeaseLost;
  }
  std::optional<Track> track = tx.tracks().FindById(job.subject_id);
  if (!track || track->blob_key != attempt.original_key) {
    tx.jobs().Complete(job.id, attempt.owner);
    tx.blob_deletions().Enqueue(attempt.prefix);
    if (!track) return CommitOutcome::kTrackGone;
    // This output describes the old original.
    tx.jobs().Enqueue(NewTranscodeJob(ids, job.subject_id, now, job.max_attempts));
    return CommitOutcome::kOriginalReplaced;
  }
  tx.renditions().ReplaceForTrack(track->id, renditions);
  track->status = TrackStatus::kReady;
  track->progress = 1;
  track->error.reset();
  track->duration_ms = result.probe.duration_ms;
  track->loudness = result.loudness;
  ApplyFileTags(*track, result.probe.tags);
  track->updated_at = now;
  tx.tracks().Update(*track);
  tx.jobs().Complete(job.id, attempt.owner);
  AppendCatalogEvent(tx, ids, kTrackReady, job.owner_id, track->id, now);
  return CommitOutcome::kReady;
}

}  // namespace cadenza
