#pragma once
// Rules of a track's own fields, shared by the API, the track use cases and the ingest worker.
// Pure constants.
#include <string_view>

#include "domain/text_rules.h"

namespace cadenza {

// The title of a track created without one, until the file's title tag replaces it.
inline constexpr std::string_view kPlaceholderTrackTitle = "Untitled";

// Track numbers a person or a file's tag may set; anything else is refused (or, for a tag,
// ignored).
inline constexpr int kMinTrackNumber = 1;
inline constexpr int kMaxTrackNumber = 999;

constexpr bool IsTrackNumber(int number) {
  return number >= kMinTrackNumber && number <= kMaxTrackNumber;
}

}  // namespace cadenza
