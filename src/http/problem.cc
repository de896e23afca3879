#include "http/problem.h"

#include <boost/json/object.hpp>

namespace cadenza::http {

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnsupportedMedia: return 415;
    case ErrorCode::kUnprocessable: return 422;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;  // an out-of-range enum value is a bug; never leak it as a strange status
}

Response ProblemFor(const Error& error) {
  boost::json::object extra;
  if (!error.field().empty()) extra["field"] = error.field();
  const int status = StatusFor(error.code());
  Response response = Response::Problem(status, error.what(), std::move(extra));
  // RFC 9110 requires a challenge on every 401; clients learn which scheme to use.
  if (status == 401) response.SetHeader("WWW-Authenticate", "Bearer");
  // A 503 is a busy or briefly unusable dependency (the image pool, the database): clients
  // told when to come back do not retry in a tight loop.
  if (status == 503) response.SetHeader("Retry-After", "5");
  return response;
}

}  // namespace cadenza::http
