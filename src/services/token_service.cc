#include "services/token_service.h"

#include <boost/json.hpp>
#include <optional>
#include <stdexcept>
#include <utility>

#include "domain/error.h"
#include "domain/role.h"
#include "ports/crypto.h"

namespace cadenza {

namespace json = boost::json;

namespace {

// Far beyond any token we issue; stops a client from making us decode megabytes.
constexpr std::size_t kMaxTokenLength = std::size_t{8} * 1024;
constexpr std::size_t kMinSecretBytes = 32;
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

[[noreturn]] void Refuse(std::string reason) { throw Unauthenticated(std::move(reason)); }

std::optional<json::object> DecodeJsonObject(std::string_view part) {
  std::optional<std::string> text = crypto::Base64UrlDecode(part);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value value = json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::string_view StringClaim(const json::object& claims, std::string_view name) {
  const json::value* value = claims.if_contains(name);
  if (value == nullptr || !value->is_string()) {
    Refuse("malformed token: claim '" + std::string(name) + "' is missing or not a string");
  }
  return value->get_string();
}

// NumericDate in whole seconds, 1970 to 9999: later values would overflow in milliseconds.
std::int64_t TimeClaim(const json::object& claims, std::string_view name) {
  constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  const json::value* value = claims.if_contains(name);
  if (value != nullptr) {
    if (value->is_int64() && value->get_int64() >= 0 && value->get_int64() <= kMaxSeconds) {
      return value->get_int64();
    }
    if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(kMaxSeconds)) {
      return static_cast<std::int64_t>(value->get_uint64());
    }
  }
  Refuse("malformed token: claim '" + std::string(name) +
         "' is missing or not a whole number of seconds since 1970");
}

// `ver`, absent in tokens issued before token versions existed (read as 0).
std::int64_t VersionClaim(const json::object& claims) {
  const json::value* value = claims.if_contains("ver");
  if (value == nullptr) return 0;
  if (value->is_int64() && value->get_int64() >= 0) return value->get_int64();
  Refuse("malformed token: claim 'ver' is not a whole number");
}

}  // namespace

std::string Hs256Signature(std::string_view key, std::string_view signing_input) {
  return crypto::Base64UrlEncode(crypto::HmacSha256(key, signing_input));
}

TokenService::TokenService(std::string secret, TokenOptions options, const Clock& clock)
    : secret_(std::move(secret)), options_(std::move(options)), clock_(clock) {
  if (secret_.size() < kMinSecretBytes) {
    throw std::invalid_argument("token secret must be at least 32 bytes");
  }
  if (options_.ttl.count() <= 0) throw std::invalid_argument("token ttl must be positive");
}

TokenService::Issued TokenService::Issue(const Principal& who, std::int64_t token_version) const {
  const std::int64_t iat = clock_.Now() / 1000;
  const std::int64_t exp = iat + options_.ttl.count();
  json::object claims;
  claims["iss"] = options_.issuer;
  claims["sub"] = who.user_id;
  claims["role"] = RoleName(who.role);
  claims["ver"] = token_version;
  claims["iat"] = iat;
  claims["exp"] = exp;
  claims["jti"] = crypto::Base64UrlEncode(crypto::RandomBytes(16));
  std::string token =
      crypto::Base64UrlEncode(kHeader) + "." + crypto::Base64UrlEncode(json::serialize(claims));
  token += "." + Hs256Signature(secret_, token);
  return Issued{std::move(token), exp * 1000, options_.ttl.count()};
}

Principal TokenService::Verify(std::string_view token) const {
  return VerifyClaims(token).principal;
}

TokenService::Verified TokenService::VerifyClaims(std::string_view token) const {
  if (token.size() > kMaxTokenLength) Refuse("malformed token: too long");
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos || first_dot == 0 ||
      second_dot == first_dot + 1) {
    Refuse("malformed token: expected three base64url parts separated by '.'");
  }
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = token.substr(second_dot + 1);

  std::optional<json::object> header = DecodeJsonObject(header_part);
  if (!header) Refuse("malformed token: header is not a base64url-encoded JSON object");
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) Refuse("malformed token: header has no 'alg'");
  // Only the algorithm we issue: never "none", and no algorithm confusion with other keys.
  if (alg->get_string() != "HS256") Refuse("unsupported token algorithm: only HS256 is accepted");
  if (const json::value* typ = header->if_contains("typ");
      typ != nullptr && !(typ->is_string() && typ->get_string() == "JWT")) {
    Refuse("unsupported token type: 'typ' must be \"JWT\"");
  }

  std::optional<std::string> signature = crypto::Base64UrlDecode(signature_part);
  const std::string expected = crypto::HmacSha256(secret_, token.substr(0, second_dot));
  if (!signature || !crypto::ConstantTimeEqual(*signature, expected)) {
    Refuse("invalid token signature");
  }

  std::optional<json::object> claims = DecodeJsonObject(payload_part);
  if (!claims) Refuse("malformed token: payload is not a base64url-encoded JSON object");
  const std::string_view issuer = StringClaim(*claims, "iss");
  const std::string_view subject = StringClaim(*claims, "sub");
  const std::string_view role_name = StringClaim(*claims, "role");
  const std::int64_t iat = TimeClaim(*claims, "iat");
  const std::int64_t exp = TimeClaim(*claims, "exp");
  if (subject.empty()) Refuse("malformed token: claim 'sub' is empty");
  if (issuer != options_.issuer) Refuse("token was not issued by this server");

  const Timestamp now = clock_.Now();
  const std::int64_t leeway_ms = options_.leeway.count() * 1000;
  // exp is exclusive (RFC 7519 4.1.4): the token is dead from that second on.
  // Expiry is strict: tokens are short-lived and the clocks of our own nodes agree to well
  // under the TTL, so a grace period would only stretch a revoked session's life. Skew is
  // tolerated where it hurts: a token minted by a node whose clock runs slightly ahead.
  if (now >= exp * 1000) Refuse("token has expired");
  if (iat * 1000 > now + leeway_ms) Refuse("token was issued in the future; check the clocks");

  std::optional<Role> role = ParseRole(role_name);
  if (!role) Refuse("token names an unknown role");
  return Verified{Principal{std::string(subject), *role}, VersionClaim(*claims)};
}

}  // namespace cadenza
