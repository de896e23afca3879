#pragma once
// Pre-signed URLs for the blob endpoint: whoever holds the URL may do exactly one method on
// one path until it expires, without an access token (players and upload tools can use them
// directly).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

struct SignedGrant {
  std::string method;  // "GET", "PUT"
  std::string path;    // the decoded request path, e.g. "/blobs/tracks/x.flac"
  Timestamp expires_at = 0;
  std::string user_id;         // on whose behalf
  std::int64_t max_bytes = 0;  // upload limit; 0 = none
};

// Thread-safe (immutable after construction). `clock` must outlive the signer.
class UrlSigner {
 public:
  // Throws std::invalid_argument when `secret` is shorter than 32 bytes.
  UrlSigner(std::string secret, const Clock& clock);

  // The query string "exp=<ms>&uid=<user id>&max=<bytes>&sig=<base64url>" for `grant`
  // (max omitted when 0; values percent-encoded). The MAC covers the versioned canonical
  // string "v1\n<method>\n<path>\n<exp>\n<uid>\n<max>". Throws std::invalid_argument when a
  // field holds a line break or max_bytes is negative (such a grant could be ambiguous).
  std::string SignQuery(const SignedGrant& grant) const;

  // The grant `query` (the request's decoded query parameters) carries for `method` and
  // `path`. Throws Error(kPermissionDenied) with one of: "signature is missing", "malformed
  // signature parameters" (missing, repeated or non-canonical exp/uid/max/sig), "signature
  // does not match" (any signed part changed), "signature has expired" (checked only once
  // the MAC matched). Other query parameters are ignored: they are not signed.
  SignedGrant Verify(std::string_view method, std::string_view path,
                     const std::multimap<std::string, std::string>& query) const;

 private:
  std::string Mac(std::string_view method, std::string_view path, std::int64_t expires_at,
                  std::string_view user_id, std::int64_t max_bytes) const;

  std::string secret_;
  const Clock& clock_;
};

}  // namespace cadenza
