#include "http/transfer_deadline.h"

#include <algorithm>

namespace cadenza::http {

TransferDeadline::TimePoint TransferDeadline::For(std::int64_t bytes_after_step,
                                                  TimePoint now) const {
  const TimePoint idle_deadline = now + limits_.idle;
  if (limits_.min_bytes_per_second <= 0) return idle_deadline;
  const std::int64_t bytes = std::max<std::int64_t>(bytes_after_step, 0);
  const auto earned = std::chrono::milliseconds(bytes * 1000 / limits_.min_bytes_per_second);
  return std::min(idle_deadline, start_ + limits_.grace + earned);
}

}  // namespace cadenza::http
