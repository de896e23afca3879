#include "http/conditional.h"

#include <optional>
#include <string>

namespace cadenza::http {
namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kWhitespace);
  return s.substr(first, last - first + 1);
}

}  // namespace

bool IfNoneMatchHits(std::string_view header, std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  header = Trim(header);
  if (header == "*") return true;
  while (!header.empty()) {
    const auto start = header.find_first_not_of(" \t,");
    if (start == std::string_view::npos) break;
    header.remove_prefix(start);
    if (header.starts_with("W/")) header.remove_prefix(2);
    if (!header.starts_with('"')) {  // not an entity tag: skip to the next list element
      const auto comma = header.find(',');
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
      continue;
    }
    const auto close = header.find('"', 1);
    if (close == std::string_view::npos) break;
    if (header.substr(0, close + 1) == etag) return true;
    header.remove_prefix(close + 1);
  }
  return false;
}

bool NotModified(const Request& request, std::string_view etag) {
  const std::optional<std::string> none_match = request.CombinedHeader("if-none-match");
  return none_match && IfNoneMatchHits(*none_match, etag);
}

}  // namespace cadenza::http
