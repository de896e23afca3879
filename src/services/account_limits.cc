#include "services/account_limits.h"

#include <algorithm>
#include <string>

#include "domain/error.h"

namespace cadenza {

namespace {

constexpr std::int64_t kMillisPerSecond = 1000;

}  // namespace

bool IsExemptFromLimits(const Principal& caller) { return caller.role == Role::kAdmin; }

void CheckOpenUploads(CatalogTransaction& tx, const Principal& caller, const AccountLimits& limits,
                      Timestamp now) {
  OpenSlots open = tx.uploads().CountOpen(caller.user_id, now);
  if (open.count < limits.max_open_uploads) return;
  // A slot frees itself when it expires (or sooner, when it is claimed): that is when a retry
  // can pass at the latest. Rounded up, at least a second.
  std::int64_t wait_ms = std::max<std::int64_t>(open.earliest_expiry - now, 0);
  std::int64_t retry_after =
      std::max<std::int64_t>((wait_ms + kMillisPerSecond - 1) / kMillisPerSecond, 1);
  throw Error(ErrorCode::kTooManyRequests,
              "the account already holds " + std::to_string(open.count) +
                  " open upload URLs, the most max_open_uploads (" +
                  std::to_string(limits.max_open_uploads) +
                  ") allows; claim or let one expire first",
              ExceededLimit{"max_open_uploads", limits.max_open_uploads}, retry_after);
}

std::int64_t StoredBytes(CatalogTransaction& tx, std::string_view user_id) {
  return tx.tracks().StoredBytesOfOwner(user_id) + tx.uploads().CompletedBytes(user_id);
}

std::int64_t StorageRoom(std::int64_t stored, const AccountLimits& limits) {
  if (stored < limits.max_stored_bytes) return limits.max_stored_bytes - stored;
  throw Error(ErrorCode::kPermissionDenied,
              "the account stores " + std::to_string(stored) +
                  " bytes, which leaves no room under max_stored_bytes (" +
                  std::to_string(limits.max_stored_bytes) + " bytes); delete tracks to make room",
              ExceededLimit{"max_stored_bytes", limits.max_stored_bytes});
}

void CheckClaimWithinStorage(std::int64_t stored_after_claim, const AccountLimits& limits) {
  if (stored_after_claim <= limits.max_stored_bytes) return;
  throw Error(
      ErrorCode::kPermissionDenied,
      "claiming this upload would bring the account to " + std::to_string(stored_after_claim) +
          " stored bytes, more than max_stored_bytes (" + std::to_string(limits.max_stored_bytes) +
          " bytes) allows; delete tracks to make room",
      ExceededLimit{"max_stored_bytes", limits.max_stored_bytes});
}

void CheckQueuedJobs(std::int64_t active, const AccountLimits& limits) {
  if (active < limits.max_queued_jobs) return;
  throw Error(
      ErrorCode::kTooManyRequests,
      "the account already has " + std::to_string(active) +
          " tracks queued or processing, the most max_queued_jobs (" +
          std::to_string(limits.max_queued_jobs) + ") allows; retry once some are ready",
      ExceededLimit{"max_queued_jobs", limits.max_queued_jobs}, kQueuedJobsRetryAfterSeconds);
}

}  // namespace cadenza
