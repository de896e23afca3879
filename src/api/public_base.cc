#include "api/public_base.h"

#include <algorithm>

namespace cadenza::api {

namespace {

constexpr std::size_t kMaxHostLength = 255;

// host[:port], a bracketed IPv6 literal included. Anything else (userinfo, paths, spaces,
// control characters) is not echoed into a URL.
bool IsPlainHost(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

PublicBase::PublicBase(std::string configured) : configured_(std::move(configured)) {
  while (configured_.ends_with('/')) configured_.pop_back();
}

std::string PublicBase::For(const http::Request& request) const {
  if (!configured_.empty()) return configured_;
  std::string_view host = request.Header("host");
  if (!IsPlainHost(host)) return {};
  return "http://" + std::string(host);
}

std::string PublicBase::Absolute(const http::Request& request,
                                 std::string_view root_relative) const {
  return For(request) + std::string(root_relative);
}

std::string PublicBase::RootRelative(const http::Request& request, std::string_view url) const {
  std::string base = For(request);
  if (!base.empty() && url.starts_with(base) && url.substr(base.size()).starts_with('/')) {
    url.remove_prefix(base.size());
  }
  return std::string(url);
}

}  // namespace cadenza::api
