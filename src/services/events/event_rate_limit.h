#pragma once
// A per-listener budget of listening events: a token bucket holding a minute's worth, refilled
// continuously. In memory, for one process (each instance behind a balancer keeps its own).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/mutex.h"
#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

// Thread-safe. `clock` must outlive it.
class EventRateLimit {
 public:
  // `per_minute` events per listener and minute (0: no limit).
  EventRateLimit(const Clock& clock, std::int64_t per_minute);

  // Takes `count` events from `key`'s budget, or throws Error(kTooManyRequests) naming
  // max_events_per_minute with a Retry-After of the seconds until the budget holds `count`
  // (a batch larger than the whole budget is refused without taking anything).
  void Take(std::string_view key, std::int64_t count);

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp at = 0;
  };
  // Forgets buckets that are full again, so that idle listeners cost nothing.
  void ForgetFull(Timestamp now) REQUIRES(mutex_);
  double Refilled(const Bucket& bucket, Timestamp now) const;

  static constexpr std::size_t kMaxTracked = 100000;

  const Clock& clock_;
  const std::int64_t per_minute_;
  Mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mutex_);
};

}  // namespace cadenza
