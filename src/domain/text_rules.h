#pragma once
// The limits on every text field a person types, in one place: the services check them for
// every caller (the CLI included) and the API checks the same limits on JSON fields, so both
// say the same thing. The checks themselves are in services/text_rules.h. Pure constants.
#include <cstddef>

namespace cadenza {

struct TextLimits {
  std::size_t min_chars = 1;  // Unicode code points, after trimming ASCII whitespace
  std::size_t max_chars = 200;
  bool allow_newlines = false;  // '\n' (and "\r\n") only; other control characters never pass
};

// Names and titles: artists, albums, tracks, playlists, display names. File tags shown as
// offered values are held to the same limits.
inline constexpr TextLimits kNameLimits{1, 200, false};
inline constexpr TextLimits kTitleLimits = kNameLimits;
inline constexpr TextLimits kDisplayNameLimits = kNameLimits;
// An artist's biography; empty clears it.
inline constexpr TextLimits kBioLimits{0, 5000, true};
// A playlist's description; empty clears it.
inline constexpr TextLimits kDescriptionLimits{0, 2000, true};
// An album's release date as sent: generous, since the service explains the YYYY-MM-DD
// format when the text is not a date. Empty clears it.
inline constexpr TextLimits kReleaseDateLimits{0, 100, false};
// An e-mail address (RFC 5321's path limit).
inline constexpr TextLimits kEmailLimits{1, 254, false};

}  // namespace cadenza
