#include "services/media_token.h"

#include <optional>
#include <stdexcept>
#include <utility>

#include "domain/error.h"
#include "ports/crypto.h"

namespace cadenza {

namespace {

constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kMacBytes = 32;
// Far above a real token (~120 characters); refuses oversized input before decoding it.
constexpr std::size_t kMaxTokenChars = 512;
constexpr std::string_view kVersionPrefix = "v2.";

[[noreturn]] void Deny(const char* reason) { throw PermissionDenied(reason); }

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Non-negative decimal in its one canonical spelling, so each grant has exactly one token.
std::optional<Timestamp> ParseCanonicalNumber(std::string_view text) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  Timestamp value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

MediaTokenSigner::MediaTokenSigner(std::string secret, const Clock& clock)
    : secret_(std::move(secret)), clock_(clock) {
  if (secret_.size() < kMinSecretBytes) {
    throw std::invalid_argument("media token secret must be at least 32 bytes");
  }
}

std::string MediaTokenSigner::Mac(std::string_view track_id, std::string_view user_id,
                                  Timestamp expires_at, std::int64_t token_version) const {
  std::string canonical = "media\n";
  canonical.append(track_id).append("\n").append(user_id).append("\n");
  canonical.append(std::to_string(expires_at)).append("\n").append(std::to_string(token_version));
  return crypto::HmacSha256(secret_, canonical);
}

std::string MediaTokenSigner::Issue(std::string_view track_id, std::string_view user_id,
                                    Timestamp expires_at, std::int64_t token_version) const {
  if (track_id.empty() || user_id.empty() || HasLineBreak(track_id) || HasLineBreak(user_id) ||
      user_id.find('.') != std::string_view::npos) {
    throw std::invalid_argument("MediaTokenSigner: unusable track or user id");
  }
  if (expires_at < 0 || token_version < 0) {
    throw std::invalid_argument("MediaTokenSigner: negative expiry or token version");
  }
  std::string payload = std::string(kVersionPrefix) + std::to_string(expires_at) + "." +
                        std::to_string(token_version) + ".";
  payload.append(user_id);
  return crypto::Base64UrlEncode(payload) + "." +
         crypto::Base64UrlEncode(Mac(track_id, user_id, expires_at, token_version));
}

MediaTokenSigner::Grant MediaTokenSigner::Verify(std::string_view token,
                                                 std::string_view track_id) const {
  if (token.size() > kMaxTokenChars) Deny("malformed media token");
  std::size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    Deny("malformed media token");
  }
  std::optional<std::string> payload = crypto::Base64UrlDecode(token.substr(0, dot));
  std::optional<std::string> mac = crypto::Base64UrlDecode(token.substr(dot + 1));
  if (!payload || !mac || mac->size() != kMacBytes || !payload->starts_with(kVersionPrefix)) {
    Deny("malformed media token");
  }
  std::string_view rest = std::string_view(*payload).substr(kVersionPrefix.size());
  std::size_t first = rest.find('.');
  std::size_t second = first == std::string_view::npos ? first : rest.find('.', first + 1);
  if (second == std::string_view::npos) Deny("malformed media token");
  std::optional<Timestamp> expires_at = ParseCanonicalNumber(rest.substr(0, first));
  std::optional<Timestamp> version = ParseCanonicalNumber(rest.substr(first + 1, second - first - 1));
  std::string_view user_id = rest.substr(second + 1);
  if (!expires_at || !version || user_id.empty() || HasLineBreak(user_id) ||
      user_id.find('.') != std::string_view::npos) {
    Deny("malformed media token");
  }
  // Issue never signs a track id with a line break, so such a path cannot match.
  if (HasLineBreak(track_id) ||
      !crypto::ConstantTimeEqual(*mac, Mac(track_id, user_id, *expires_at, *version))) {
    Deny("media token does not match this track");
  }
  if (clock_.Now() >= *expires_at) Deny("media token has expired");
  return Grant{std::string(track_id), std::string(user_id), *expires_at, *version};
}

}  // namespace cadenza
