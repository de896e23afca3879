#pragma once
// Recording a transcode attempt that failed, in the caller's transaction.
#include <chrono>
#include <string>

#include "domain/time.h"
#include "ports/catalog.h"
#include "services/id_generator.h"
#include "services/ingest/attempt.h"

namespace cadenza {

enum class FailureOutcome {
  kRetrying,  // the job runs again after its backoff
  kGaveUp,    // the job is done: the track failed, or a fresh job covers its new original
  kNotOurs,   // the job had gone to another worker: nothing recorded
};

// Inside `tx`: queues the attempt's prefix for deletion (whatever it stored is never committed
// now). A failure that may pass (not `permanent`, attempts left) is retried at
// now + TranscodeRetryDelay(backoff_base, attempts) with `reason` as the job's last error.
// Otherwise the job completes and the track fails with `reason` (prefixed with the attempt
// count unless permanent) and loses its renditions (they would play audio it no longer has),
// unless its original was replaced meanwhile: then a fresh job (id from `ids`) is queued for
// the new one. Throws what the catalogue throws.
FailureOutcome RecordAttemptFailure(CatalogTransaction& tx, const IngestAttempt& attempt,
                                    const std::string& reason, bool permanent,
                                    std::chrono::milliseconds backoff_base,
                                    const IdGenerator& ids, Timestamp now);

}  // namespace cadenza
