#include "app/config_parsing.h"

#include <charconv>
#include <stdexcept>

namespace cadenza::app {

std::int64_t ParseInteger(const std::string& text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument("expected an integer, got \"" + text + "\"");
  }
  if (value < min || value > max) {
    throw std::invalid_argument("must be between " + std::to_string(min) + " and " +
                                std::to_string(max) + ", got " + text);
  }
  return value;
}

std::chrono::seconds ParseDuration(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("expected a duration such as 3600, 15m or 2h");
  std::int64_t scale = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's': scale = 1; digits.pop_back(); break;
    case 'm': scale = 60; digits.pop_back(); break;
    case 'h': scale = 3600; digits.pop_back(); break;
    case 'd': scale = 86400; digits.pop_back(); break;
    default: break;
  }
  return std::chrono::seconds(ParseInteger(digits, 1, 366LL * 86400 / scale) * scale);
}

std::chrono::milliseconds ParseMillis(const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    return std::chrono::milliseconds(ParseInteger(text.substr(0, text.size() - 2), 1, 366LL * 86400 * 1000));
  }
  return ParseDuration(text);
}

bool ParseBool(const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw std::invalid_argument("expected true or false, got \"" + text + "\"");
}

std::int64_t ParseSize(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("expected a size such as 100M or 2G");
  std::int64_t scale = 1;
  std::string digits = text;
  switch (text.back()) {
    case 'K': scale = 1LL << 10; digits.pop_back(); break;
    case 'M': scale = 1LL << 20; digits.pop_back(); break;
    case 'G': scale = 1LL << 30; digits.pop_back(); break;
    default: break;
  }
  return ParseInteger(digits, 1, (1LL << 42) / scale) * scale;
}

std::vector<std::string> ParseList(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(std::move(item));
    start = comma + 1;
  }
  return items;
}

}  // namespace cadenza::app
