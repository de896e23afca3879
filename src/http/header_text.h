#pragma once
// The small text rules of HTTP header values (RFC 9110 section 5.6) that several parsers
// share: optional whitespace around elements and case-insensitive tokens. Pure functions.
#include <string>
#include <string_view>

namespace cadenza::http {

// `text` without its leading and trailing OWS (spaces and horizontal tabs).
std::string_view TrimOws(std::string_view text);

// Equality ignoring ASCII case: header names and tokens such as "bytes" or "Bearer".
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `text` with its ASCII letters lowercased; other bytes unchanged.
std::string AsciiLower(std::string_view text);

}  // namespace cadenza::http
