#pragma once
#include <optional>
#include <string>

#include "domain/time.h"

namespace cadenza {

// A unit of background work (e.g. transcoding one track), delivered at least once: a worker
// leases it, renews the lease while it works, and completes, retries or fails it. A lease that
// runs out (the worker died) makes the job available again, so handlers must be idempotent.
struct Job {
  std::string id;
  std::string kind;        // "transcode"
  std::string subject_id;  // what it works on (the track id)
  // The account the work is done for (the track's owner): leases take turns across owners,
  // and per-account limits count it. Empty: unknown (kept as it is when re-enqueued).
  std::string owner_id;
  int attempts = 0;        // leases taken so far, the current one included
  int max_attempts = 5;
  Timestamp run_after = 0;  // not leased before this time (backoff)
  std::optional<std::string> lease_owner;
  Timestamp lease_expires_at = 0;
  std::optional<std::string> last_error;
  Timestamp created_at = 0;
};

}  // namespace cadenza
