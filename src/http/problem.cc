#include "http/problem.h"

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

namespace cadenza::http {
namespace {

constexpr std::int64_t kUnavailableRetryAfterSeconds = 5;

}  // namespace

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kMisdirected: return 421;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnsupportedMedia: return 415;
    case ErrorCode::kUnprocessable: return 422;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;  // an out-of-range enum value is a bug; never leak it as a strange status
}

Response ProblemFor(const Error& error) {
  boost::json::object extra;
  if (!error.field().empty()) extra["field"] = error.field();
  if (error.limit()) {
    extra["limit"] = error.limit()->name;
    extra["limitValue"] = error.limit()->value;
  }
  const int status = StatusFor(error.code());
  // A failing dependency's own words stay in the log: the client learns which one failed.
  if (error.has_private_cause()) spdlog::warn("answered {}: {}", status, error.what());
  Response response = Response::Problem(status, error.client_message(), std::move(extra));
  // A transient refusal says when to come back (RFC 9110 Retry-After, in seconds). A 503 is a
  // busy or briefly unusable dependency (the image pool, the database): without a time of its
  // own it gets a short one, so that clients do not retry in a tight loop.
  std::int64_t retry_after = error.retry_after_seconds();
  if (retry_after <= 0 && status == 503) retry_after = kUnavailableRetryAfterSeconds;
  if (retry_after > 0) response.SetHeader("Retry-After", std::to_string(retry_after));
  // RFC 9110 requires a challenge on every 401; clients learn which scheme to use.
  if (status == 401) response.SetHeader("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace cadenza::http
