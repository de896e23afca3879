#pragma once
// Pre-signed URLs for the local blob endpoint: whoever holds the URL may do exactly one
// method on one blob until it expires, without an access token (players and upload tools can
// use them directly). The signature covers the blob key, not a URL path, so where the
// endpoint is mounted is the API's business alone.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "ports/blob_store.h"
#include "ports/clock.h"

namespace cadenza {

struct SignedGrant {
  std::string method;  // "GET", "PUT"
  std::string key;     // the blob key, e.g. "originals/0190..."
  Timestamp expires_at = 0;
  std::string user_id;         // on whose behalf
  std::int64_t max_bytes = 0;  // upload limit; 0 = none
};

// Thread-safe (immutable after construction). `clock` must outlive the signer.
class UrlSigner final : public BlobGrantSigner {
 public:
  // Throws std::invalid_argument when `secret` is shorter than 32 bytes.
  UrlSigner(std::string secret, const Clock& clock);

  // The query string "exp=<ms>&uid=<user id>&max=<bytes>&sig=<base64url>" for `grant`
  // (max omitted when 0; values percent-encoded). The MAC covers the versioned canonical
  // string "v2\n<method>\n<key>\n<exp>\n<uid>\n<max>". Throws std::invalid_argument when a
  // field holds a line break or max_bytes is negative (such a grant could be ambiguous).
  std::string SignQuery(const SignedGrant& grant) const;
  // The same for a store's grant request: method GrantMethod(access), max 0 for reads.
  std::string SignQuery(const BlobGrantRequest& request) const override;

  // The grant `query` (the request's decoded query parameters) carries for `method` and
  // `key`. Throws Error(kPermissionDenied) with one of: "signature is missing", "malformed
  // signature parameters" (missing, repeated or non-canonical exp/uid/max/sig), "signature
  // does not match" (any signed part changed), "signature has expired" (checked only once
  // the MAC matched). Other query parameters are ignored: they are not signed.
  SignedGrant Verify(std::string_view method, std::string_view key,
                     const std::multimap<std::string, std::string>& query) const;

 private:
  std::string Mac(std::string_view method, std::string_view key, std::int64_t expires_at,
                  std::string_view user_id, std::int64_t max_bytes) const;

  std::string secret_;
  const Clock& clock_;
};

}  // namespace cadenza
