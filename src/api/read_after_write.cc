#include "api/read_after_write.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "domain/error.h"
#include "http/problem.h"

namespace cadenza::api {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of the cookie `name` in one Cookie header ("a=1; b=2"), or "".
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    std::size_t end = header.find(';');
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return Trim(pair.substr(equals + 1));
    }
  }
  return {};
}

}  // namespace

std::string RequestedReadPosition(const http::Request& request) {
  std::string_view header = Trim(request.Header(kReadAfterHeader));
  if (!header.empty()) return std::string(header);
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    std::string_view cookie = CookieValue(value, kReadAfterCookie);
    if (!cookie.empty()) return std::string(cookie);
  }
  return {};
}

http::Response ReadAfterWrite::Run(http::Request& request,
                                   const std::function<http::Response()>& handler) const {
  std::unique_ptr<Catalog::ReadFence> fence = catalog_->FenceReads(RequestedReadPosition(request));
  if (!fence) return handler();
  std::optional<http::Response> response;
  try {
    response = handler();
  } catch (const Error& error) {
    // A use case may fail after its Write committed: the client must still read it after.
    if (catalog_->LastWritePosition().empty()) throw;
    response = http::ProblemFor(error);
  }
  // Read while the fence lives: it names only the Writes of this handler.
  std::string position = catalog_->LastWritePosition();
  if (!position.empty()) Mark(*response, position);
  return std::move(*response);
}

void ReadAfterWrite::Mark(http::Response& response, const std::string& position) const {
  auto seconds = std::max<std::int64_t>(1, (max_lag_.count() + 999) / 1000);
  response.SetHeader(std::string(kReadAfterHeader), position);
  response.headers.emplace_back("Set-Cookie", std::string(kReadAfterCookie) + "=" + position +
                                                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                                  std::to_string(seconds));
}

http::Handler ReadAfterWrite::Wrap(http::Handler handler) const {
  return [self = *this, handler = std::move(handler)](http::Request& request) {
    return self.Run(request, [&] { return handler(request); });
  };
}

http::AuthenticatedHandler ReadAfterWrite::Wrap(http::AuthenticatedHandler handler) const {
  return [self = *this, handler = std::move(handler)](http::Request& request,
                                                     const Principal& caller) {
    return self.Run(request, [&] { return handler(request, caller); });
  };
}

}  // namespace cadenza::api
