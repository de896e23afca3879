#pragma once
// Time limits on moving a body in either direction. An idle limit alone restarts on every
// byte, so a peer sending or reading one byte every few seconds could hold a connection (and
// its descriptor and buffers) for hours; a minimum average rate after a grace period bounds
// the whole transfer by its size instead.
#include <chrono>
#include <cstdint>

namespace cadenza::http {

struct TransferLimits {
  std::chrono::seconds idle{60};   // the longest wait for the next piece
  std::chrono::seconds grace{10};  // time allowed on top of what the rate allows
  std::int64_t min_bytes_per_second = 1024;  // 0: no rate limit, only the idle one
};

// The deadline of each step of one transfer. Pure: give it the clock's readings.
class TransferDeadline {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TransferDeadline(const TransferLimits& limits, TimePoint start)
      : limits_(limits), start_(start) {}

  // When the step that brings the transfer to `bytes_after_step` bytes must be done: within
  // the idle limit from `now`, and no later than `grace + bytes_after_step / rate` after the
  // start. A deadline at or before `now` means the peer is already too slow.
  TimePoint For(std::int64_t bytes_after_step, TimePoint now) const;

 private:
  TransferLimits limits_;
  TimePoint start_;
};

}  // namespace cadenza::http
