#include "http/log_path.h"

namespace cadenza::http {
namespace {

constexpr std::string_view kRedacted = "<token>";

void RedactSegmentAfter(std::string& path, std::string_view prefix) {
  if (prefix.empty() || path.compare(0, prefix.size(), prefix) != 0) return;
  const std::size_t begin = prefix.size();
  std::size_t end = path.find('/', begin);
  if (end == std::string::npos) end = path.size();
  if (end > begin) path.replace(begin, end - begin, kRedacted);
}

}  // namespace

std::string PathForLog(std::string_view target,
                       const std::map<std::string, std::string>& path_params,
                       const std::vector<std::string>& credential_prefixes) {
  std::string path(target.substr(0, target.find('?')));
  if (auto token = path_params.find("token"); token != path_params.end() && !token->second.empty()) {
    if (auto at = path.find(token->second); at != std::string::npos) {
      path.replace(at, token->second.size(), kRedacted);
    }
  }
  for (const auto& prefix : credential_prefixes) RedactSegmentAfter(path, prefix);
  return path;
}

}  // namespace cadenza::http
