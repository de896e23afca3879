#pragma once
// Parsing of a Range request header (RFC 9110 section 14) for the single byte range the
// server supports on streamed bodies. Pure: no I/O, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace cadenza::http {

struct ByteRangeResult {
  enum class Outcome {
    kRange,          // serve [first, last] with 206
    kMalformed,      // not "bytes=first-last", "bytes=first-" or "bytes=-suffix": 416
    kMultiple,       // more than one range: 416 (multipart responses are not offered)
    kUnsatisfiable,  // well-formed but outside the representation: 416
  };
  Outcome outcome = Outcome::kMalformed;
  std::int64_t first = 0;  // inclusive; set for kRange
  std::int64_t last = 0;   // inclusive; set for kRange, always < size
  std::string detail;      // for the 416 problem: what the client should change; else empty

  std::int64_t length() const { return last - first + 1; }
};

// Interprets `header` (the Range field value) against a representation of `size` bytes.
// The unit is matched case-insensitively, optional whitespace around the range is allowed,
// a last position past the end is clamped, and numbers too large for int64 saturate (so
// a huge first position is unsatisfiable and a huge last position means "to the end").
ByteRangeResult ParseByteRange(std::string_view header, std::int64_t size);

}  // namespace cadenza::http
