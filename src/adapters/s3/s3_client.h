#pragma once
// Signed S3 requests with bounded retries: the one place that signs, sends and retries.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/s3/curl_http.h"
#include "adapters/s3/s3_blob_store.h"
#include "adapters/s3/s3_location.h"
#include "adapters/s3/sigv4.h"
#include "domain/error.h"

namespace cadenza::s3 {

// What a client is told when the store fails (the cause, which names the endpoint, bucket and
// key, goes to the log: Error::Unavailable).
inline constexpr const char* kStoreUnavailable = "the object store is unavailable";

struct S3Call {
  std::string method;
  std::string path;  // decoded: S3Location::BucketPath() or ObjectPath()
  QueryParams query;
  HeaderList headers;  // besides host and the signing headers
  // An in-memory body, signed with its hash: replayable, so every failure may be retried.
  std::string_view body;
  // Or a streamed body of `stream_size` bytes, sent UNSIGNED-PAYLOAD after the server agreed
  // to take it (Expect: 100-continue). Retried only while no byte of it has been read.
  std::function<std::size_t(char*, std::size_t)> stream;
  std::int64_t stream_size = 0;
  char* sink = nullptr;  // see HttpRequest
  std::size_t sink_capacity = 0;
  bool moves_body = false;  // a large body either way: bound stalls rather than the whole request
  int max_attempts = 0;     // 0: the store's setting
};

class S3Client {
 public:
  explicit S3Client(const S3Options& options);

  const S3Location& location() const { return location_; }
  const SigningCredentials& credentials() const { return credentials_; }
  const S3Options& options() const { return options_; }

  // Sends `call`, retrying connection failures, timeouts, 5xx and 429 with exponential
  // backoff and jitter. Returns any other answer, success or not, for the caller to read.
  // Throws Error(kUnavailable) naming `what` when the attempts run out; rethrows what a
  // streamed body's reader threw.
  HttpResponse Send(const S3Call& call, std::string_view what) const;

  // Error(kUnavailable) describing an unexpected answer: "<what>: HTTP 403 AccessDenied: ...".
  Error Failure(std::string_view what, const HttpResponse& response) const;

 private:
  HttpRequest Build(const S3Call& call) const;

  S3Options options_;
  S3Location location_;
  SigningCredentials credentials_;
};

}  // namespace cadenza::s3
