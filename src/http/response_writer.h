#pragma once
// Sends a handler's Response on a connection: string bodies with Content-Length, stream
// bodies in chunks read on the blocking-work pool with single byte Range support, HEAD
// without a body.
#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/request.h"
#include "http/response.h"
#include "http/transfer_deadline.h"

namespace cadenza::http {

struct WriteResult {
  bool ok = false;              // false when the connection can no longer be used
  int status = 0;               // the status actually sent (e.g. 206 or 416 for a Range)
  std::int64_t body_bytes = 0;  // body bytes written
};

// Must run on the connection's executor. `request` supplies the method (HEAD) and the Range
// and If-Range headers. A status outside 200..599 or a failing BodySource before the first
// byte becomes a problem response; a BodySource failing later closes the connection (logged),
// since the client already has the headers. Never throws for I/O errors (ok = false).
// Each write must finish within `limits`: a client reading too slowly is cut off.
boost::asio::awaitable<WriteResult> WriteResponse(boost::beast::tcp_stream& stream,
                                                  boost::asio::thread_pool& pool,
                                                  Response response, const Request& request,
                                                  unsigned version, bool keep_alive,
                                                  const TransferLimits& limits);

}  // namespace cadenza::http
