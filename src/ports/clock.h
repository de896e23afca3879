#pragma once
#include <chrono>

#include "domain/time.h"

namespace cadenza {

// The time source. Real servers use SystemClock; tests can pin time to check expiry.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace cadenza
