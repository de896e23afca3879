#pragma once
// The bitrates manifests advertise for a rendition. Pure, thread-safe.
#include <cstdint>

#include "domain/media.h"

namespace cadenza {

// bit/s of the rendition's largest-rate segment, container overhead included: the stored
// peak_bitrate, or when that is 0 the maximum over the segments of size * 8 / duration.
// Throws std::invalid_argument for a timescale <= 0.
std::int64_t PeakBitrate(const Rendition& rendition);

// bit/s over the whole rendition: the stored average_bitrate, or when that is 0
// size_bytes * 8 / duration (0 for an empty rendition).
std::int64_t AverageBitrate(const Rendition& rendition);

// Throws std::invalid_argument unless the segments are numbered 0..n-1 in vector order.
void CheckSegmentNumbering(const Rendition& rendition);

}  // namespace cadenza
