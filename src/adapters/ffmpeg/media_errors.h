#pragma once
// The reasons an upload is refused, worded for the person who uploaded it.
#include <cstdint>
#include <string>

#include "domain/error.h"

namespace cadenza::ffmpeg {

inline Error Unprocessable(std::string reason) {
  return Error(ErrorCode::kUnprocessable, std::move(reason));
}

// "longer than the 2 h limit", "longer than the 90 min limit", "longer than the 5 s limit".
inline std::string TooLongReason(std::int64_t limit_ms) {
  std::string limit;
  if (limit_ms > 0 && limit_ms % 3'600'000 == 0) {
    limit = std::to_string(limit_ms / 3'600'000) + " h";
  } else if (limit_ms > 0 && limit_ms % 60'000 == 0) {
    limit = std::to_string(limit_ms / 60'000) + " min";
  } else if (limit_ms % 1000 == 0) {
    limit = std::to_string(limit_ms / 1000) + " s";
  } else {
    limit = std::to_string(limit_ms) + " ms";
  }
  return "longer than the " + limit + " limit";
}

}  // namespace cadenza::ffmpeg
