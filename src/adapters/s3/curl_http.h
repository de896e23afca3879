#pragma once
// One HTTP exchange over libcurl, blocking. Knows nothing of S3 or signing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cadenza::s3 {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // The body: `body` in memory, or `body_reader` called for exactly `body_size` bytes (PUT
  // only). The reader returns the count read, 0 only at the end, and may throw.
  std::string_view body;
  std::function<std::size_t(char*, std::size_t)> body_reader;
  std::int64_t body_size = 0;
  // A 2xx answer's body goes here (at most `sink_capacity` bytes, the rest is dropped)
  // instead of into HttpResponse::body.
  char* sink = nullptr;
  std::size_t sink_capacity = 0;
  std::chrono::milliseconds timeout{30000};
  // True: `timeout` bounds the whole exchange. False (bodies of any size): it bounds
  // connecting and any stall with no byte moving.
  bool whole_request_timeout = true;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // capped; error and XML bodies
  std::size_t sink_used = 0;

  // The header's value, or empty.
  std::string Header(const std::string& lower_name) const;
};

// The exchange did not complete: no connection, a timeout, a reset. Worth retrying.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Performs the exchange. Throws TransportError when it did not complete, and rethrows what
// the body reader threw. Thread-safe; connections are reused between calls.
HttpResponse PerformHttp(const HttpRequest& request);

}  // namespace cadenza::s3
