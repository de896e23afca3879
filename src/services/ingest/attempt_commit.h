#pragma once
// Committing a transcode attempt that stored its outputs: the rendition rows, the track's new
// status and tags, and the job's completion, in the caller's transaction.
#include <vector>

#include "domain/media.h"
#include "domain/time.h"
#include "ports/catalog.h"
#include "ports/transcoder.h"
#include "services/id_generator.h"
#include "services/ingest/attempt.h"

namespace cadenza {

enum class CommitOutcome {
  kReady,             // the renditions are the track's; the track is ready
  kLeaseLost,         // another worker owns the job: this output is discarded
  kTrackGone,         // the track was deleted meanwhile: output discarded, job completed
  kOriginalReplaced,  // the audio was replaced meanwhile: output discarded, a fresh job queued
};

// Inside `tx`: re-checks the lease by renewing it to `lease_until` (a worker that lost it
// must not commit twice), then checks that the track still has the original the attempt
// transcoded. Only then replaces the track's renditions with `renditions` (the previous set's
// blobs are queued by the catalogue), marks the track ready (progress 1, no error, duration and
// loudness from `result`), applies the file's tags (track_tags.h) and completes the job. In
// every other case the attempt's prefix is queued for deletion. `now` stamps the track and any
// follow-up job (with an id from `ids`). Throws what the catalogue throws.
CommitOutcome CommitAttempt(CatalogTransaction& tx, const IngestAttempt& attempt,
                            const std::vector<Rendition>& renditions,
                            const TranscodeResult& result, const IdGenerator& ids, Timestamp now,
                            Timestamp lease_until);

}  // namespace cadenza
