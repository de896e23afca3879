#include "services/text_rules.h"

#include <cstdint>

#include "domain/error.h"

namespace cadenza {

namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// C0 controls, DEL and the C1 block (U+0080..U+009F); U+2028/U+2029 break lines too.
bool IsControl(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

// Decodes one code point at `i`, advancing it; returns false on malformed UTF-8.
bool DecodeOne(std::string_view s, std::size_t& i, std::uint32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  std::size_t len;
  std::uint32_t min;
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (i + len > s.size()) return false;
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += len;
  return true;
}

std::string Plural(std::size_t n) { return n == 1 ? " character" : " characters"; }

}  // namespace

std::string_view TrimAscii(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::size_t CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (!DecodeOne(text, i, cp)) return std::string::npos;
    ++count;
  }
  return count;
}

std::string CheckText(std::string_view text, std::string_view field, const TextLimits& limits) {
  std::string name(field);
  std::string_view trimmed = TrimAscii(text);
  std::size_t count = 0;
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < trimmed.size();) {
    if (!DecodeOne(trimmed, i, cp)) throw InvalidArgument(name, name + " must be valid UTF-8 text");
    ++count;
    if (cp == '\n' || cp == '\r') {
      // "\r\n" is accepted as one line break where line breaks are allowed.
      bool crlf = cp == '\r' && i < trimmed.size() && trimmed[i] == '\n';
      if (!limits.allow_newlines || (cp == '\r' && !crlf)) {
        throw InvalidArgument(
            name, name + (limits.allow_newlines ? " must not contain carriage returns"
                                                : " must be a single line (no line breaks)"));
      }
    } else if (IsControl(cp)) {
      throw InvalidArgument(name, name + " must not contain control characters");
    }
  }
  if (count < limits.min_chars || count > limits.max_chars) {
    std::string range = limits.min_chars == 0 ? "at most " + std::to_string(limits.max_chars)
                                              : std::to_string(limits.min_chars) + " to " +
                                                    std::to_string(limits.max_chars);
    std::string message = count == 0 ? name + " must not be empty (" + range + " characters)"
                                     : name + " must be " + range + Plural(limits.max_chars) +
                                           " long (got " + std::to_string(count) + ")";
    throw InvalidArgument(name, message);
  }
  return std::string(trimmed);
}

bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t k = 0; k < lengths[p]; ++k) {
      char c = text[starts[p] + k];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  int year = parts[0], month = parts[1], day = parts[2];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

}  // namespace cadenza
