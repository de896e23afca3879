#include "services/attempt_throttle.h"

#include <algorithm>

namespace cadenza {

namespace {

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

}  // namespace

InMemoryAttemptThrottle::InMemoryAttemptThrottle(const Clock& clock, ThrottlePolicy policy)
    : clock_(clock), policy_(policy) {
  policy_.max_keys = std::max<std::size_t>(policy_.max_keys, 1);
  policy_.free_attempts = std::max(policy_.free_attempts, 1);
}

Timestamp InMemoryAttemptThrottle::WaitMillis(int attempts) const {
  // attempts >= free_attempts here; the shift is capped long before it could overflow.
  const int doublings = std::min(attempts - policy_.free_attempts, 30);
  const std::int64_t wait = Millis(policy_.first_wait) << doublings;
  return std::min(wait, Millis(policy_.max_wait));
}

void InMemoryAttemptThrottle::ForgetIdle(Timestamp now) {
  while (!recency_.empty()) {
    auto it = entries_.find(recency_.back());
    const Entry& entry = it->second;
    if (now - entry.last_attempt < Millis(policy_.window) || now < entry.blocked_until) return;
    entries_.erase(it);
    recency_.pop_back();
  }
}

std::chrono::seconds InMemoryAttemptThrottle::Wait(std::string_view key) {
  const Timestamp now = clock_.Now();
  MutexLock lock(mutex_);
  ForgetIdle(now);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || now >= it->second.blocked_until) return std::chrono::seconds(0);
  // Rounded up: a client that waits the advertised seconds is never refused again for it.
  return std::chrono::seconds((it->second.blocked_until - now + 999) / 1000);
}

void InMemoryAttemptThrottle::Record(std::string_view key) {
  const Timestamp now = clock_.Now();
  MutexLock lock(mutex_);
  ForgetIdle(now);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= policy_.max_keys) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(key);
    it = entries_.emplace(recency_.front(), Entry{}).first;
    it->second.recency = recency_.begin();
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  Entry& entry = it->second;
  entry.attempts = std::min(entry.attempts + 1, policy_.free_attempts + 1000);
  entry.last_attempt = now;
  if (entry.attempts >= policy_.free_attempts) {
    entry.blocked_until = now + WaitMillis(entry.attempts);
  }
}

void InMemoryAttemptThrottle::Reset(std::string_view key) {
  MutexLock lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return;
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

std::size_t InMemoryAttemptThrottle::TrackedKeys() {
  MutexLock lock(mutex_);
  return entries_.size();
}

}  // namespace cadenza
