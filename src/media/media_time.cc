#include "media/media_time.h"

#include <cstdio>
#include <stdexcept>

namespace cadenza {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

void Check(std::int64_t ticks, int timescale) {
  if (timescale <= 0) throw std::invalid_argument("media timescale must be positive");
  if (ticks < 0) throw std::invalid_argument("media duration must not be negative");
}

// Rounded half up. Two hours at 192 kHz is ~1.4e9 ticks; times 2e6 stays far below 2^63.
std::int64_t Micros(std::int64_t ticks, int timescale) {
  return (ticks * 2 * kMicrosPerSecond + timescale) / (2 * static_cast<std::int64_t>(timescale));
}

}  // namespace

std::string FormatSeconds(std::int64_t ticks, int timescale) {
  Check(ticks, timescale);
  std::int64_t micros = Micros(ticks, timescale);
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%06lld",
                static_cast<long long>(micros / kMicrosPerSecond),
                static_cast<long long>(micros % kMicrosPerSecond));
  return text;
}

std::int64_t CeilSeconds(std::int64_t ticks, int timescale) {
  Check(ticks, timescale);
  return (ticks + timescale - 1) / timescale;
}

std::string XsDuration(std::int64_t ticks, int timescale) {
  return "PT" + FormatSeconds(ticks, timescale) + "S";
}

}  // namespace cadenza
