// Compiled by run.sh with clang's -Wthread-safety -Werror=thread-safety: PROBE=0 uses
// base/mutex.h correctly and must compile; every other PROBE breaks one rule and must fail
// to compile, which proves the check is on and the annotations mean what they say.
#include <chrono>

#include "base/mutex.h"

namespace cadenza {

class Counter {
 public:
  void Add() EXCLUDES(mutex_) {
#if PROBE != 1
    MutexLock lock(mutex_);
#endif
    ++count_;  // PROBE 1: written without the lock
    changed_.NotifyAll();
  }

  int WaitFor(int at_least) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (count_ < at_least && changed_.WaitUntil(lock, deadline)) {
    }
#if PROBE == 2
    lock.Unlock();  // PROBE 2: read after giving the lock up
#endif
    return count_;
  }

  void ResetLocked() REQUIRES(mutex_) { count_ = 0; }

  void Reset() EXCLUDES(mutex_) {
#if PROBE == 3
    ResetLocked();  // PROBE 3: a REQUIRES function called without the lock
#else
    MutexLock lock(mutex_);
    ResetLocked();
#endif
  }

 private:
  Mutex mutex_;
  CondVar changed_;
  int count_ GUARDED_BY(mutex_) = 0;
};

}  // namespace cadenza

int main() {
  cadenza::Counter counter;
  counter.Add();
  counter.Reset();
  return counter.WaitFor(0);
}
