#pragma once
// Slowing down repeated attempts (wrong passwords, sign-ups) per key: an account, a client
// address. The interface is what the account service needs; the in-memory implementation
// serves one process, and a shared store can stand behind the same interface later.
#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/mutex.h"
#include "domain/error.h"
#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

// Error(kTooManyRequests) that also says when the caller may try again.
class TooManyAttempts : public Error {
 public:
  TooManyAttempts(const std::string& message, std::chrono::seconds retry_after)
      : Error(ErrorCode::kTooManyRequests, message, std::nullopt, retry_after.count()) {}
  std::chrono::seconds retry_after() const { return std::chrono::seconds(retry_after_seconds()); }
};

// Thread-safe.
class AttemptThrottle {
 public:
  virtual ~AttemptThrottle() = default;
  // Zero when `key` may make an attempt now; otherwise how long it must wait (at least 1 s).
  virtual std::chrono::seconds Wait(std::string_view key) = 0;
  // Counts one attempt against `key` (a failed login, a sign-up).
  virtual void Record(std::string_view key) = 0;
  // Forgets `key`'s attempts (a successful login).
  virtual void Reset(std::string_view key) = 0;
};

struct ThrottlePolicy {
  int free_attempts = 5;  // attempts counted before any wait is imposed
  // A key whose last attempt is this old is forgotten (and counts from zero again).
  std::chrono::seconds window{15 * 60};
  // The wait after the free_attempts-th attempt; it doubles with each further one, up to
  // max_wait.
  std::chrono::seconds first_wait{30};
  std::chrono::seconds max_wait{15 * 60};
  // Keys tracked at most; beyond it the least recently active key is forgotten, so a flood of
  // new keys costs bounded memory (and can only ever loosen, not tighten, a limit).
  std::size_t max_keys = 100000;
};

// In memory, on the injected clock (which must outlive it).
class InMemoryAttemptThrottle final : public AttemptThrottle {
 public:
  InMemoryAttemptThrottle(const Clock& clock, ThrottlePolicy policy);

  std::chrono::seconds Wait(std::string_view key) override;
  void Record(std::string_view key) override;
  void Reset(std::string_view key) override;

  std::size_t TrackedKeys();  // for tests

 private:
  struct Entry {
    int attempts = 0;
    Timestamp last_attempt = 0;
    Timestamp blocked_until = 0;
    std::list<std::string>::iterator recency;
  };

  // Drops keys idle for longer than the window, least recently active first.
  void ForgetIdle(Timestamp now) REQUIRES(mutex_);
  Timestamp WaitMillis(int attempts) const;

  const Clock& clock_;
  ThrottlePolicy policy_;
  Mutex mutex_;
  std::list<std::string> recency_ GUARDED_BY(mutex_);  // most recently active first
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mutex_);
};

}  // namespace cadenza
