#include "http/request.h"

#include <stdexcept>

#include <boost/beast/core/string.hpp>

namespace cadenza::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return {};
}

std::optional<std::string> Request::CombinedHeader(std::string_view name) const {
  std::optional<std::string> combined;
  for (const auto& [key, value] : headers) {
    if (!boost::beast::iequals(key, name)) continue;
    combined = combined ? *combined + ", " + value : value;
  }
  return combined;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::Param(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  if (it == path_params.end()) {
    throw std::out_of_range("route has no path parameter named " + std::string(name));
  }
  return it->second;
}

}  // namespace cadenza::http
