#include "services/ingest/transcode_job.h"

#include <algorithm>
#include <string>

namespace cadenza {

std::chrono::milliseconds TranscodeRetryDelay(std::chrono::milliseconds base, int failed_attempt) {
  return base * (std::int64_t{1} << std::clamp(failed_attempt - 1, 0, 20));
}

Job NewTranscodeJob(const IdGenerator& ids, std::string_view track_id, Timestamp now,
                    int max_attempts) {
  Job job;
  job.id = ids.Next();
  job.kind = std::string(kTranscodeJobKind);
  job.subject_id = std::string(track_id);
  job.max_attempts = max_attempts;
  job.run_after = now;
  job.created_at = now;
  return job;
}

}  // namespace cadenza
