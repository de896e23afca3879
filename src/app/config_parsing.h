#pragma once
// The value parsers behind every setting, shared by the files that declare settings
// (config.cc, storage_config.cc). Each throws std::invalid_argument with a message that
// completes "<source>: <setting> ...".
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cadenza::app {

struct Config;

using Setter = std::function<void(Config&, const std::string&)>;
using SetterTable = std::map<std::string, Setter>;

std::int64_t ParseInteger(const std::string& text, std::int64_t min, std::int64_t max);
// Plain seconds or a unit suffix: 90, 90s, 15m, 2h, 1d.
std::chrono::seconds ParseDuration(const std::string& text);
// Like ParseDuration, and also milliseconds: 250ms.
std::chrono::milliseconds ParseMillis(const std::string& text);
bool ParseBool(const std::string& text);
// Bytes or a binary suffix: 1048576, 512K, 100M, 2G.
std::int64_t ParseSize(const std::string& text);
// A comma list with surrounding spaces trimmed and empty items dropped.
std::vector<std::string> ParseList(const std::string& text);

}  // namespace cadenza::app
