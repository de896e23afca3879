#pragma once
// The transcode job: what the track use cases queue (services/track_service.h) and the ingest
// worker leases (services/ingest/ingest_worker.h). Both include this header, never each other.
#include <chrono>
#include <string_view>

#include "domain/job.h"
#include "domain/time.h"
#include "services/id_generator.h"

namespace cadenza {

inline constexpr std::string_view kTranscodeJobKind = "transcode";

// Transcoding attempts per job before the track is marked failed.
inline constexpr int kTranscodeMaxAttempts = 5;

// Retry N of a failed attempt waits base * 2^(N-1) (the default base; IngestOptions may set
// another).
inline constexpr std::chrono::seconds kTranscodeBackoffBase{5};

// The wait before the next attempt once attempt `failed_attempt` (1-based) failed:
// base * 2^(failed_attempt - 1), the exponent capped at 20 so it cannot overflow.
std::chrono::milliseconds TranscodeRetryDelay(std::chrono::milliseconds base, int failed_attempt);

// A fresh transcode job for `track_id`, runnable at `now`, with `max_attempts` attempts and a
// new id from `ids`. The caller enqueues it (in the transaction that made it necessary).
Job NewTranscodeJob(const IdGenerator& ids, std::string_view track_id, Timestamp now,
                    int max_attempts = kTranscodeMaxAttempts);

}  // namespace cadenza
