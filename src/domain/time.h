#pragma once
#include <cstdint>
#include <string>

namespace cadenza {

// Milliseconds since the Unix epoch, UTC. Stored as an integer in every database.
using Timestamp = std::int64_t;

// RFC 3339 with millisecond precision and a Z suffix: "2026-11-27T22:58:02.123Z".
std::string FormatRfc3339(Timestamp t);

}  // namespace cadenza
