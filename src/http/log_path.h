#pragma once
// What the logs may show of a request target: never what grants access.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza::http {

// `target` without its query (signed URLs carry their signature there) and with every
// credential in the path replaced by "<token>": the segment that follows any of
// `credential_prefixes` ("/media/" + token + "/..."), matched or not by a route, and the
// value of a path parameter named "token". Pure.
std::string PathForLog(std::string_view target,
                       const std::map<std::string, std::string>& path_params,
                       const std::vector<std::string>& credential_prefixes);

}  // namespace cadenza::http
