#include "http/byte_range.h"

#include <limits>
#include <optional>

#include "http/header_text.h"

namespace cadenza::http {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// 1*DIGIT, saturating at int64 max; nullopt when empty or not all digits.
std::optional<std::int64_t> ParseDigits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

ByteRangeResult Failure(ByteRangeResult::Outcome outcome, std::string detail) {
  ByteRangeResult result;
  result.outcome = outcome;
  result.detail = std::move(detail);
  return result;
}

ByteRangeResult Malformed() {
  return Failure(ByteRangeResult::Outcome::kMalformed,
                 "malformed Range header: use a single range as bytes=FIRST-LAST, "
                 "bytes=FIRST- or bytes=-SUFFIX_LENGTH");
}

ByteRangeResult Unsatisfiable(std::int64_t size) {
  return Failure(ByteRangeResult::Outcome::kUnsatisfiable,
                 "requested range is outside the resource, which is " + std::to_string(size) +
                     " bytes long");
}

}  // namespace

ByteRangeResult ParseByteRange(std::string_view header, std::int64_t size) {
  header = TrimOws(header);
  const auto equals = header.find('=');
  if (equals == std::string_view::npos) return Malformed();
  if (!EqualsIgnoreCase(TrimOws(header.substr(0, equals)), "bytes")) {
    return Failure(ByteRangeResult::Outcome::kMalformed,
                   "unsupported Range unit: only bytes=... ranges are supported");
  }

  // The list syntax allows empty elements ("bytes=0-1,"); only real ranges count.
  std::string_view spec;
  int ranges = 0;
  std::string_view list = header.substr(equals + 1);
  for (;;) {
    const auto comma = list.find(',');
    std::string_view element = TrimOws(list.substr(0, comma));
    if (!element.empty()) {
      ++ranges;
      spec = element;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (ranges == 0) return Malformed();
  if (ranges > 1) {
    return Failure(ByteRangeResult::Outcome::kMultiple,
                   "multiple ranges are not supported: request a single byte range");
  }

  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return Malformed();
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  ByteRangeResult result;
  result.outcome = ByteRangeResult::Outcome::kRange;
  if (first_text.empty()) {  // bytes=-N: the last N bytes
    auto suffix = ParseDigits(last_text);
    if (!suffix) return Malformed();
    if (*suffix == 0 || size <= 0) return Unsatisfiable(size);
    result.first = *suffix >= size ? 0 : size - *suffix;
    result.last = size - 1;
    return result;
  }
  auto first = ParseDigits(first_text);
  if (!first) return Malformed();
  std::int64_t last = kMax;
  if (!last_text.empty()) {
    auto parsed = ParseDigits(last_text);
    if (!parsed) return Malformed();
    last = *parsed;
    if (last < *first) return Malformed();
  }
  if (*first >= size) return Unsatisfiable(size);
  result.first = *first;
  result.last = last >= size ? size - 1 : last;
  return result;
}

}  // namespace cadenza::http
