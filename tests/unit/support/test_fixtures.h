#pragma once
// Small helpers shared by the test suites that need time under control or scratch folders.
#include <atomic>
#include <chrono>

#include "ports/clock.h"
#include "unit/support/temp_dir.h"

namespace cadenza::test_support {

// A clock that moves only when told to (forwards or back); safe to read from worker threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp now) { now_.store(now); }
  void Advance(std::chrono::milliseconds by) { now_ += by.count(); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace cadenza::test_support
