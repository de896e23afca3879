#pragma once
// Per-account limits on what one account may hold at once: open upload slots, stored bytes
// and queued transcode jobs, so that one account cannot exhaust the store, the slots or the
// workers shared by everybody. The checks run inside the write transaction that inserts what
// they count (the catalogue admits one writer), so two concurrent requests cannot both pass
// on the same count. Administrators are exempt: they run the server.
#include <cstdint>
#include <string_view>

#include "domain/principal.h"
#include "domain/time.h"
#include "ports/catalog.h"

namespace cadenza {

struct AccountLimits {
  std::int64_t max_open_uploads = 20;          // unclaimed, unexpired upload slots
  std::int64_t max_stored_bytes = 20LL << 30;  // originals, renditions and completed uploads
  std::int64_t max_queued_jobs = 50;           // transcode jobs queued or running
};

// The Retry-After of a refusal for queued jobs: how long a job typically takes is unknown here.
inline constexpr std::int64_t kQueuedJobsRetryAfterSeconds = 60;

// True for accounts the limits do not apply to (administrators).
bool IsExemptFromLimits(const Principal& caller);

// Error(kTooManyRequests) naming max_open_uploads, with a Retry-After of the time until the
// first open slot expires, when `caller` already holds that many open slots at `now`.
void CheckOpenUploads(CatalogTransaction& tx, const Principal& caller, const AccountLimits& limits,
                      Timestamp now);

// What `user_id` stores now: originals and renditions of the tracks of its artists, and its
// completed but unclaimed uploads.
std::int64_t StoredBytes(CatalogTransaction& tx, std::string_view user_id);

// The bytes `stored` leaves under max_stored_bytes, for a new upload slot's size limit;
// Error(kPermissionDenied) naming max_stored_bytes when that is nothing.
std::int64_t StorageRoom(std::int64_t stored, const AccountLimits& limits);

// Error(kPermissionDenied) naming max_stored_bytes when the account would store
// `stored_after_claim` bytes once a claim commits, more than the limit.
void CheckClaimWithinStorage(std::int64_t stored_after_claim, const AccountLimits& limits);

// Error(kTooManyRequests) naming max_queued_jobs, Retry-After kQueuedJobsRetryAfterSeconds,
// when `owner_id` has `active` (CountActive, minus a job the caller is about to reset) queued
// or running jobs, that is no room for one more.
void CheckQueuedJobs(std::int64_t active, const AccountLimits& limits);

}  // namespace cadenza
