#pragma once
// Domain errors: the expected ways a use case can fail. Services throw them; the transaction
// boundary rolls back on the way out, and http/problem.cc maps each code to one HTTP status in
// one place. Bugs and fatal start-up problems use ordinary exceptions (std::logic_error, ...).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace cadenza {

enum class ErrorCode {
  kInvalidArgument,   // 400: malformed or invalid input; `field` names the culprit
  kUnauthenticated,   // 401: missing, invalid or expired credentials
  kPermissionDenied,  // 403: authenticated but not allowed (wrong role, not the owner, bad signature)
  kNotFound,          // 404
  kConflict,          // 409: state conflict (duplicate email, already claimed upload, ...)
  kMisdirected,       // 421: a route this process does not serve (see `roles`)
  kTooLarge,          // 413
  kUnsupportedMedia,  // 415
  kUnprocessable,     // 422: well-formed but semantically unusable
  kTooManyRequests,   // 429: too many attempts, or a limit on work in flight; retry later
  kUnavailable,       // 503: a dependency (database, blob store) is not usable
  kInternal,          // 500: should never be thrown on purpose
};

// The per-account limit a refusal is about, for clients to show or act on.
struct ExceededLimit {
  std::string name;         // the setting's name: "max_open_uploads"
  std::int64_t value = 0;   // its configured value
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string field = {})
      : std::runtime_error(message), code_(code), field_(std::move(field)) {}
  // A refusal that names the limit it is about (if any) and, when a retry can pass later,
  // after how many seconds (0: not known, or never).
  Error(ErrorCode code, const std::string& message, std::optional<ExceededLimit> limit,
        std::int64_t retry_after_seconds = 0)
      : std::runtime_error(message),
        code_(code),
        limit_(std::move(limit)),
        retry_after_seconds_(retry_after_seconds) {}

  // A dependency (the database, the object store) failed. Clients are told only `reason`
  // ("the object store is unavailable"); what() adds `cause`, the driver's own words, which may
  // name hosts, ports, buckets and keys and so belong in the server's log.
  static Error Unavailable(const std::string& reason, const std::string& cause) {
    Error error(ErrorCode::kUnavailable, reason + ": " + cause);
    error.client_message_ = reason;
    return error;
  }
  ErrorCode code() const { return code_; }
  // What a client may be told: the message, or only the reason of Unavailable(reason, cause).
  const char* client_message() const {
    return client_message_.empty() ? what() : client_message_.c_str();
  }
  // True when what() says more than a client may be told (it is worth a line in the log).
  bool has_private_cause() const { return !client_message_.empty(); }
  // The request field at fault, in the API's spelling ("title", "albumId"), or empty.
  const std::string& field() const { return field_; }
  // Set when the refusal is a per-account limit.
  const std::optional<ExceededLimit>& limit() const { return limit_; }
  // Seconds after which the same request may pass; 0 when not known.
  std::int64_t retry_after_seconds() const { return retry_after_seconds_; }

 private:
  ErrorCode code_;
  std::string field_;
  std::string client_message_;  // empty: what() is for clients too
  std::optional<ExceededLimit> limit_;
  std::int64_t retry_after_seconds_ = 0;
};

// Shorthands that read well at the call site: `throw NotFound("album not found")`.
inline Error InvalidArgument(std::string field, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}
inline Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
inline Error PermissionDenied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
inline Error Unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}
inline Error Conflict(std::string message) { return Error(ErrorCode::kConflict, std::move(message)); }

}  // namespace cadenza
