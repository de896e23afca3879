#include "adapters/s3/sigv4.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "adapters/s3/s3_crypto.h"

namespace cadenza::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are signed trimmed, with runs of spaces inside folded to one.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

using EncodedPairs = std::vector<std::pair<std::string, std::string>>;

EncodedPairs EncodeSorted(const QueryParams& query) {
  EncodedPairs encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  return encoded;
}

std::string Join(const EncodedPairs& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string AmzDate(std::int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm utc {};
  if (gmtime_r(&t, &utc) == nullptr) throw std::invalid_argument("time out of range");
  char text[17];
  if (strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc) != 16) {
    throw std::invalid_argument("time out of range");
  }
  return text;
}

std::string CanonicalQuery(const QueryParams& query) { return Join(EncodeSorted(query)); }

std::string CanonicalRequest(std::string_view method, std::string_view path,
                             const QueryParams& query, const HeaderList& headers,
                             std::string_view payload_hash, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> canonical;
  canonical.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    canonical.emplace_back(Lower(name), CanonicalHeaderValue(value));
  }
  std::sort(canonical.begin(), canonical.end());
  std::string out;
  out.append(method).push_back('\n');
  out.append(UriEncode(path.empty() ? "/" : path, true)).push_back('\n');
  out.append(CanonicalQuery(query)).push_back('\n');
  std::string names;
  for (const auto& [name, value] : canonical) {
    out.append(name).append(":").append(value).push_back('\n');
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  out.push_back('\n');
  out.append(names).push_back('\n');
  out.append(payload_hash);
  if (signed_headers != nullptr) *signed_headers = names;
  return out;
}

std::string CredentialScope(const SigningCredentials& credentials, std::string_view amz_date) {
  return std::string(amz_date.substr(0, 8)) + "/" + credentials.region + "/" +
         credentials.service + "/aws4_request";
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out += Sha256Hex(canonical_request);
  return out;
}

std::string SigningKey(const SigningCredentials& credentials, std::string_view amz_date) {
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, amz_date.substr(0, 8));
  key = HmacSha256(key, credentials.region);
  key = HmacSha256(key, credentials.service);
  return HmacSha256(key, "aws4_request");
}

std::string SignatureFor(const SigningCredentials& credentials, std::string_view amz_date,
                         std::string_view string_to_sign) {
  return HexEncode(HmacSha256(SigningKey(credentials, amz_date), string_to_sign));
}

std::string SignHeaders(const SigningCredentials& credentials, std::string_view method,
                        std::string_view path, const QueryParams& query, HeaderList& headers,
                        std::string_view payload_hash, std::int64_t unix_seconds) {
  const std::string amz_date = AmzDate(unix_seconds);
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  std::string signed_headers;
  const std::string canonical =
      CanonicalRequest(method, path, query, headers, payload_hash, &signed_headers);
  const std::string scope = CredentialScope(credentials, amz_date);
  const std::string signature =
      SignatureFor(credentials, amz_date, StringToSign(amz_date, scope, canonical));
  return std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
         ",SignedHeaders=" + signed_headers + ",Signature=" + signature;
}

std::string PresignQuery(const SigningCredentials& credentials, std::string_view method,
                         std::string_view host, std::string_view path, QueryParams query,
                         std::int64_t unix_seconds, std::int64_t expires_seconds,
                         bool content_sha256_param) {
  if (expires_seconds < 1 || expires_seconds > 604800) {
    throw std::invalid_argument("a pre-signed URL lives 1 to 604800 seconds");
  }
  const std::string amz_date = AmzDate(unix_seconds);
  const std::string scope = CredentialScope(credentials, amz_date);
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  if (content_sha256_param) {
    query.emplace_back("X-Amz-Content-Sha256", std::string(kUnsignedPayload));
  }
  query.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  query.emplace_back("X-Amz-SignedHeaders", "host");
  const HeaderList headers = {{"host", std::string(host)}};
  const std::string canonical =
      CanonicalRequest(method, path, query, headers, kUnsignedPayload, nullptr);
  query.emplace_back("X-Amz-Signature",
                     SignatureFor(credentials, amz_date, StringToSign(amz_date, scope, canonical)));
  return Join(EncodeSorted(query));
}

}  // namespace cadenza::s3
