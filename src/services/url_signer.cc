#include "services/url_signer.h"

#include <optional>
#include <stdexcept>
#include <utility>

#include "domain/error.h"
#include "ports/crypto.h"

namespace cadenza {

namespace {

constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kMacBytes = 32;

[[noreturn]] void Deny(const char* reason) { throw PermissionDenied(reason); }

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// RFC 3986 unreserved characters stay; everything else becomes %XX.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

// Non-negative decimal in its one canonical spelling (no sign, no leading zeros), so a URL
// has exactly one valid signature per grant.
std::optional<std::int64_t> ParseCanonicalNumber(std::string_view text) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// The single value of `name`: nullopt when absent; throws when repeated.
std::optional<std::string_view> SingleParam(const std::multimap<std::string, std::string>& query,
                                            const std::string& name) {
  auto [begin, end] = query.equal_range(name);
  if (begin == end) return std::nullopt;
  if (std::next(begin) != end) Deny("malformed signature parameters");
  return std::string_view(begin->second);
}

}  // namespace

UrlSigner::UrlSigner(std::string secret, const Clock& clock)
    : secret_(std::move(secret)), clock_(clock) {
  if (secret_.size() < kMinSecretBytes) {
    throw std::invalid_argument("URL signing secret must be at least 32 bytes");
  }
}

std::string UrlSigner::Mac(std::string_view method, std::string_view key, std::int64_t expires_at,
                           std::string_view user_id, std::int64_t max_bytes) const {
  std::string canonical = "v2\n";
  canonical.append(method).append("\n").append(key).append("\n");
  canonical.append(std::to_string(expires_at)).append("\n").append(user_id).append("\n");
  canonical.append(std::to_string(max_bytes));
  return crypto::HmacSha256(secret_, canonical);
}

std::string UrlSigner::SignQuery(const SignedGrant& grant) const {
  if (HasLineBreak(grant.method) || HasLineBreak(grant.key) || HasLineBreak(grant.user_id)) {
    throw std::invalid_argument("UrlSigner: a signed field contains a line break");
  }
  if (grant.max_bytes < 0 || grant.expires_at < 0) {
    throw std::invalid_argument("UrlSigner: negative expiry or size limit");
  }
  std::string query =
      "exp=" + std::to_string(grant.expires_at) + "&uid=" + PercentEncode(grant.user_id);
  if (grant.max_bytes != 0) query += "&max=" + std::to_string(grant.max_bytes);
  query += "&sig=" + crypto::Base64UrlEncode(Mac(grant.method, grant.key, grant.expires_at,
                                                 grant.user_id, grant.max_bytes));
  return query;
}

std::string UrlSigner::SignQuery(const BlobGrantRequest& request) const {
  SignedGrant grant;
  grant.method = std::string(GrantMethod(request.access));
  grant.key = request.key;
  grant.expires_at = request.expires_at;
  grant.user_id = request.user_id;
  grant.max_bytes = request.access == BlobAccess::kWrite ? request.max_bytes : 0;
  return SignQuery(grant);
}

SignedGrant UrlSigner::Verify(std::string_view method, std::string_view key,
                              const std::multimap<std::string, std::string>& query) const {
  std::optional<std::string_view> sig_text = SingleParam(query, "sig");
  std::optional<std::string_view> exp_text = SingleParam(query, "exp");
  std::optional<std::string_view> uid = SingleParam(query, "uid");
  std::optional<std::string_view> max_text = SingleParam(query, "max");
  if (!sig_text) Deny("signature is missing");
  if (!exp_text || !uid || uid->empty() || HasLineBreak(*uid)) {
    Deny("malformed signature parameters");
  }
  std::optional<std::int64_t> expires_at = ParseCanonicalNumber(*exp_text);
  std::optional<std::int64_t> max_bytes =
      max_text ? ParseCanonicalNumber(*max_text) : std::optional<std::int64_t>(0);
  std::optional<std::string> signature = crypto::Base64UrlDecode(*sig_text);
  // SignQuery omits max when it is 0, so "max=0" is not a spelling it produces.
  if (!expires_at || !max_bytes || (max_text && *max_bytes == 0) || !signature ||
      signature->size() != kMacBytes) {
    Deny("malformed signature parameters");
  }
  // A key or method with a line break was never signed (SignQuery refuses them).
  if (HasLineBreak(method) || HasLineBreak(key) ||
      !crypto::ConstantTimeEqual(*signature, Mac(method, key, *expires_at, *uid, *max_bytes))) {
    Deny("signature does not match");
  }
  if (clock_.Now() >= *expires_at) Deny("signature has expired");
  return SignedGrant{std::string(method), std::string(key), *expires_at, std::string(*uid),
                     *max_bytes};
}

}  // namespace cadenza
