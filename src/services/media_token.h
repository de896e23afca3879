#pragma once
// The media token: one signed grant that lets whoever holds it fetch every manifest, segment
// and progressive file of one track until it expires. It travels in the URL's path
// (/media/<token>/<trackId>/...), so the relative URLs inside HLS playlists and the MPD keep
// it: players send no headers and drop query strings when they resolve relative URLs.
//
// Format: base64url("v2.<expires_at ms>.<token version>.<user id>") "." base64url(
// HMAC-SHA256(secret, "media\n<track id>\n<user id>\n<expires_at ms>\n<token version>")), all
// URL-path-safe characters. The track id is signed but not carried, so a token works under its
// own track's path only. The token version is the account's (User::token_version) at issue,
// so that whoever serves the media can refuse tokens of an account revoked since. The "media"
// prefix keeps these MACs apart from UrlSigner's even under a shared secret.
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "ports/clock.h"

namespace cadenza {

// Thread-safe (immutable after construction). `clock` must outlive the signer.
class MediaTokenSigner {
 public:
  struct Grant {
    std::string track_id;
    std::string user_id;  // on whose behalf the token was issued
    Timestamp expires_at = 0;
    std::int64_t token_version = 0;  // the account's token version when it was issued
  };

  // Throws std::invalid_argument when `secret` is shorter than 32 bytes.
  MediaTokenSigner(std::string secret, const Clock& clock);

  // A token for `track_id` on behalf of `user_id`, valid until `expires_at` (exclusive).
  // Throws std::invalid_argument for an empty id, an id holding a line break or (user id) a
  // '.', or a negative expiry or version: such a grant could not be read back unambiguously.
  std::string Issue(std::string_view track_id, std::string_view user_id, Timestamp expires_at,
                    std::int64_t token_version = 0) const;

  // The grant `token` carries for `track_id`. Throws Error(kPermissionDenied) with
  // "malformed media token" (not a token this signer could have issued), "media token does
  // not match this track" (the MAC fails: issued for another track, or altered), or "media
  // token has expired" (checked only once the MAC matched).
  Grant Verify(std::string_view token, std::string_view track_id) const;

 private:
  std::string Mac(std::string_view track_id, std::string_view user_id, Timestamp expires_at,
                  std::int64_t token_version) const;

  std::string secret_;
  const Clock& clock_;
};

}  // namespace cadenza
