#pragma once
// The bitrates of renditions: measured by the ingest worker when it stores them, advertised by
// the manifests. Pure, thread-safe.
#include <cstdint>

#include "domain/media.h"

namespace cadenza {

// bit/s of `bytes` played over `ticks` of a `timescale` Hz clock, rounded up so that a rate
// advertised from it is never below what the bytes need; 0 when ticks or timescale <= 0. The
// one place a rate is computed.
std::int64_t BitsPerSecond(std::int64_t bytes, std::int64_t ticks, int timescale);

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
