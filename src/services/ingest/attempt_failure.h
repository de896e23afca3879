#pragma once
// Recording a transcode attempt that failed, in the caller's transaction.
#include <chrono>
#include <string>
#include <utility>

#include "domain/time.h"
#include "ports/catalog.h"
#include "services/id_generator.h"
#include "services/ingest/attempt.h"

namespace cadenza {

// What a failed attempt records: the detail for operators (the job's last error, the log),
// which may hold exception text, paths and blob keys, and the reason the track shows people
// once it fails.
struct FailureReason {
  std::string detail;
  std::string for_people;
};

// The reason for people of an attempt that failed with an exception not meant for them
// (storage or database trouble, a bug): says nothing of the exception.
inline constexpr const char* kInternalFailureReason =
    "an internal error occurred (the server log has the details)";

// A failure whose one reason is fit for people and operators alike.
inline FailureReason ReasonForAll(std::string reason) { return {reason, reason}; }
// A failure with exception text that only operators see.
inline FailureReason InternalReason(std::string detail) {
  return {std::move(detail), kInternalFailureReason};
}

enum class FailureOutcome {
  kRetrying,  // the job runs again after its backoff
  kGaveUp,    // the job is done: the track failed, or a fresh job covers its new original
  kNotOurs,   // the job had gone to another worker: nothing recorded
};

// Inside `tx`: queues the attempt's prefix for deletion (whatever it stored is never committed
// now). A failure that may pass (not `permanent`, attempts left) is retried at
// now + TranscodeRetryDelay(backoff_base, attempts) with `reason.detail` as the job's last
// error. Otherwise the job completes and the track fails with `reason.for_people` (prefixed
// with the attempt count unless permanent; the detail never reaches the track) and loses its renditions (they would play audio it no longer has),
// unless its original was replaced meanwhile: then a fresh job (id from `ids`) is queued for
// the new one. Throws what the catalogue throws.
FailureOutcome RecordAttemptFailure(CatalogTransaction& tx, const IngestAttempt& attempt,
                                    const FailureReason& reason, bool permanent,
                                    std::chrono::milliseconds backoff_base,
                                    const IdGenerator& ids, Timestamp now);

}  // namespace cadenza
