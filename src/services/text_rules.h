#pragma once
// Text validation shared by the services (which must hold for every caller, the CLI included)
// and the API layer (which applies the same rules to JSON fields). The limits themselves are
// in domain/text_rules.h. Pure functions, no I/O.
#include <cstddef>
#include <string>
#include <string_view>

#include "domain/text_rules.h"

namespace cadenza {

// Removes leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT).
std::string_view TrimAscii(std::string_view text);

// Number of Unicode code points in valid UTF-8 text. Returns std::string::npos when `text` is
// not valid UTF-8 (overlong forms, surrogates, values past U+10FFFF, truncated sequences).
std::size_t CountCodePoints(std::string_view text);

// The trimmed text when it satisfies `limits`; otherwise throws Error(kInvalidArgument) with
// `field` set and a message such as "name must be 1 to 200 characters".
std::string CheckText(std::string_view text, std::string_view field, const TextLimits& limits);

// True for a YYYY-MM-DD string naming a real calendar date (leap years included).
bool IsCalendarDate(std::string_view text);

}  // namespace cadenza
