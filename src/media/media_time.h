#pragma once
// Durations in a rendition's timescale (ticks per second, the sample rate), printed the way
// manifests need them. Integer arithmetic throughout, so the text is the same on every
// machine. Pure and thread-safe. Every function throws std::invalid_argument for a timescale
// <= 0 or negative ticks (a corrupt layout, never client input).
#include <cstdint>
#include <string>

namespace cadenza {

// Seconds with 6 decimals, rounded to the nearest microsecond: 287744 at 48000 ->
// "5.994667". One microsecond is finer than a sample at every supported rate but 192 kHz
// (5.2 us), so the value identifies the sample boundary.
std::string FormatSeconds(std::int64_t ticks, int timescale);

// Whole seconds, rounded up: 287744 at 48000 -> 6.
std::int64_t CeilSeconds(std::int64_t ticks, int timescale);

// An xs:duration for MPD attributes, exact to the microsecond: "PT5.994667S".
std::string XsDuration(std::int64_t ticks, int timescale);

}  // namespace cadenza
