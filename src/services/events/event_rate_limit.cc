#include "services/events/event_rate_limit.h"

#include <algorithm>
#include <cmath>

#include "domain/error.h"

namespace cadenza {

EventRateLimit::EventRateLimit(const Clock& clock, std::int64_t per_minute)
    : clock_(clock), per_minute_(per_minute) {}

double EventRateLimit::Refilled(const Bucket& bucket, Timestamp now) const {
  double elapsed_ms = static_cast<double>(std::max<Timestamp>(0, now - bucket.at));
  return std::min(static_cast<double>(per_minute_),
                  bucket.tokens + elapsed_ms * static_cast<double>(per_minute_) / 60000.0);
}

void EventRateLimit::ForgetFull(Timestamp now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    return Refilled(entry.second, now) >= static_cast<double>(per_minute_);
  });
}

void EventRateLimit::Take(std::string_view key, std::int64_t count) {
  if (per_minute_ <= 0 || count <= 0) return;
  Timestamp now = clock_.Now();
  MutexLock lock(mutex_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxTracked) ForgetFull(now);
    it = buckets_.emplace(std::string(key), Bucket{static_cast<double>(per_minute_), now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now);
  bucket.at = now;
  const auto wanted = static_cast<double>(count);
  if (bucket.tokens >= wanted) {
    bucket.tokens -= wanted;
    return;
  }
  double missing = std::min(wanted, static_cast<double>(per_minute_)) - bucket.tokens;
  auto retry_after = static_cast<std::int64_t>(
      std::ceil(missing * 60.0 / static_cast<double>(per_minute_)));
  throw Error(ErrorCode::kTooManyRequests,
              "too many listening events: at most " + std::to_string(per_minute_) +
                  " a minute",
              ExceededLimit{"max_events_per_minute", per_minute_}, std::max<std::int64_t>(1, retry_after));
}

}  // namespace cadenza
