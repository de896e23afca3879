#pragma once
// Read-your-writes for clients when reads may be served by lagging copies of the database
// (PostgreSQL read replicas): a response to a request whose handler committed a Write names
// the commit's position in a `Cadenza-Read-After` header and a `cadenza_read_after` cookie;
// a request carrying either (API clients echo the header, browsers send the cookie) has its
// handler's reads fenced at that position, on whichever instance serves it. A client that
// sends neither reads at most replica_max_lag behind. With a catalog whose reads never lag,
// nothing is added or read.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "http/router.h"
#include "ports/catalog.h"

namespace cadenza::api {

inline constexpr std::string_view kReadAfterHeader = "Cadenza-Read-After";
inline constexpr std::string_view kReadAfterCookie = "cadenza_read_after";

class ReadAfterWrite {
 public:
  // `max_lag` sets the cookie's lifetime: past it, every replica serving reads has the Write.
  ReadAfterWrite(Catalog& catalog, std::chrono::milliseconds max_lag)
      : catalog_(&catalog), max_lag_(max_lag) {}

  // Runs `handler` (on the calling blocking-work thread) under a fence at the position the
  // request carries, and marks its response with the position of the Write it committed;
  // a cadenza::Error thrown after a committed Write becomes its problem response, marked too.
  http::Response Run(http::Request& request, const std::function<http::Response()>& handler) const;

  http::Handler Wrap(http::Handler handler) const;
  http::AuthenticatedHandler Wrap(http::AuthenticatedHandler handler) const;

 private:
  void Mark(http::Response& response, const std::string& position) const;

  Catalog* catalog_;
  std::chrono::milliseconds max_lag_;
};

// The position a request carries: the header's, else the cookie's; "" when neither.
std::string RequestedReadPosition(const http::Request& request);

}  // namespace cadenza::api
