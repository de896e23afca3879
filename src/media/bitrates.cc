#include "media/bitrates.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cadenza {

namespace {

void CheckTimescale(const Rendition& rendition) {
  if (rendition.timescale <= 0) {
    throw std::invalid_argument("rendition " + RenditionName(rendition.spec) +
                                " has no valid timescale");
  }
}

}  // namespace

std::int64_t BitsPerSecond(std::int64_t bytes, std::int64_t ticks, int timescale) {
  if (ticks <= 0 || timescale <= 0) return 0;
  // Whole renditions can be hours long: long double keeps bytes * 8 * timescale exact (64-bit
  // mantissa) where int64 arithmetic could overflow.
  long double bits = static_cast<long double>(bytes) * 8 * timescale;
  return static_cast<std::int64_t>(std::ceil(bits / static_cast<long double>(ticks)));
}

std::int64_t PeakBitrate(const Rendition& rendition) {
  CheckTimescale(rendition);
  std::int64_t peak = rendition.peak_bitrate;
  if (peak <= 0) {
    for (const Segment& segment : rendition.segments) {
      peak = std::max(peak, BitsPerSecond(segment.size_bytes, segment.duration, rendition.timescale));
    }
  }
  // The average counts the init segment too; a peak below it would make players that trust
  // BANDWIDTH (HLS requires it to bound every segment) pick a variant they cannot sustain.
  return std::max(peak, AverageBitrate(rendition));
}

std::int64_t AverageBitrate(const Rendition& rendition) {
  CheckTimescale(rendition);
  if (rendition.average_bitrate > 0) return rendition.average_bitrate;
  std::int64_t ticks = rendition.duration;
  if (ticks <= 0) {
    for (const Segment& segment : rendition.segments) ticks += segment.duration;
  }
  return BitsPerSecond(rendition.size_bytes, ticks, rendition.timescale);
}

void CheckSegmentNumbering(const Rendition& rendition) {
  for (std::size_t i = 0; i < rendition.segments.size(); ++i) {
    if (rendition.segments[i].index != static_cast<int>(i)) {
      throw std::invalid_argument("rendition " + RenditionName(rendition.spec) +
                                  ": segments are not numbered 0..n-1 in order");
    }
  }
}

}  // namespace cadenza
