#pragma once
// Access tokens: JWT (RFC 7519) signed with HMAC-SHA256 under the server's secret.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/principal.h"
#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

struct TokenOptions {
  std::string issuer = "cadenza";
  std::chrono::seconds ttl{3600};
  std::chrono::seconds leeway{30};  // tolerated clock skew for `iat` (issued-in-the-future)
};

// The JWS HS256 signature of `signing_input` ("<header>.<payload>") under `key`: base64url of
// HMAC-SHA256, as the third part of a JWT.
std::string Hs256Signature(std::string_view key, std::string_view signing_input);

// Issues and verifies access tokens. Thread-safe (immutable after construction). `clock` must
// outlive the service.
class TokenService {
 public:
  // Throws std::invalid_argument when `secret` is shorter than 32 bytes or the ttl is not
  // positive.
  TokenService(std::string secret, TokenOptions options, const Clock& clock);

  struct Issued {
    std::string token;
    Timestamp expires_at;  // ms; `exp` of the token
    std::int64_t expires_in_seconds;
  };

  // Claims: iss, sub (user id), role, ver (the account's token version), iat, exp
  // (NumericDate seconds) and a random jti.
  Issued Issue(const Principal& who, std::int64_t token_version = 0) const;

  struct Verified {
    Principal principal;
    // The account's token version when the token was issued; 0 for tokens without `ver`
    // (issued before versions existed: they die at the account's first bump).
    std::int64_t token_version = 0;
  };

  // As Verify, with the token version the caller compares against the account's.
  Verified VerifyClaims(std::string_view token) const;

  // The principal a valid token names. Throws Error(kUnauthenticated) saying why the token
  // is refused: malformed, unsupported algorithm or type, bad signature, missing or ill-typed
  // claims, other issuer, expired, issued in the future, unknown role. The signature is
  // checked before any claim is looked at. Does not check that the account still exists.
  Principal Verify(std::string_view token) const;

 private:
  std::string secret_;
  TokenOptions options_;
  const Clock& clock_;
};

}  // namespace cadenza
