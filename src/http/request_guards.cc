#include "http/request_guards.h"

#include <string_view>

#include <fmt/format.h>

#include "http/header_text.h"

namespace cadenza::http {
namespace {

// "host:port" split at the port's colon; IPv6 literals keep their brackets.
std::pair<std::string_view, std::string_view> SplitHostPort(std::string_view authority) {
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return {authority, {}};
  }
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

bool HostMatches(std::string_view host, std::string_view port, std::string_view entry) {
  auto [entry_host, entry_port] = SplitHostPort(entry);
  if (!entry_port.empty() && entry_port != port) return false;
  if (entry_host.starts_with('.')) {
    const std::string_view domain = entry_host.substr(1);
    return host == domain ||
           (host.size() > entry_host.size() && host.ends_with(entry_host));
  }
  return host == entry_host;
}

}  // namespace

std::optional<Response> FramingRefusal(const Request& request) {
  int codings = 0;
  std::string_view coding;
  bool has_length = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "transfer-encoding") {
      ++codings;
      coding = value;
    } else if (name == "content-length") {
      has_length = true;
    }
  }
  if (codings == 0) return std::nullopt;
  if (codings > 1 || !EqualsIgnoreCase(TrimOws(coding), "chunked")) {
    return Response::Problem(
        400, fmt::format("Transfer-Encoding \"{}\" is not supported: send the body with "
                         "Content-Length or Transfer-Encoding: chunked alone",
                         codings > 1 ? std::string("(several fields)") : std::string(coding)));
  }
  if (has_length) {
    return Response::Problem(
        400, "a request must not carry both Transfer-Encoding and Content-Length");
  }
  return std::nullopt;
}

std::optional<Response> HostRefusal(const Request& request,
                                    const std::vector<std::string>& allowed_hosts) {
  if (allowed_hosts.empty()) return std::nullopt;
  const std::string authority = AsciiLower(TrimOws(request.Header("host")));
  if (authority.empty()) {
    return Response::Problem(400, "the request has no Host header");
  }
  auto [host, port] = SplitHostPort(authority);
  for (const auto& entry : allowed_hosts) {
    if (HostMatches(host, port, AsciiLower(entry))) return std::nullopt;
  }
  return Response::Problem(
      400, fmt::format("this server does not answer for host \"{}\"", authority));
}

}  // namespace cadenza::http
