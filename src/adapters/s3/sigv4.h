#pragma once
// AWS Signature Version 4 for S3, as pure functions of their inputs (the time included), so
// that the published examples can be checked byte for byte. Paths and query parameters are
// passed decoded (raw bytes); the functions encode them the one way SigV4 allows.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cadenza::s3 {

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service = "s3";
};

// Name and value pairs, decoded. Order does not matter: signing sorts them.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The x-amz-content-sha256 of a body that is not hashed (streamed uploads, pre-signed URLs).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of no bytes.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/' when `keep_slash`), with
// upper-case hex digits.
std::string UriEncode(std::string_view bytes, bool keep_slash);

// "20130524T000000Z" for a time in seconds since the Unix epoch.
std::string AmzDate(std::int64_t unix_seconds);

// The canonical query string: each name and value encoded, sorted by name then value, joined
// with '&' ("lifecycle=" for a name without value).
std::string CanonicalQuery(const QueryParams& query);

// The canonical request of SigV4. `path` is the decoded absolute path ("/test$file.text");
// `headers` are every header to sign (host included), in any order and case. Sets
// `signed_headers` to their lower-case names joined by ';'.
std::string CanonicalRequest(std::string_view method, std::string_view path,
                             const QueryParams& query, const HeaderList& headers,
                             std::string_view payload_hash, std::string* signed_headers);

// "<yyyymmdd>/<region>/<service>/aws4_request".
std::string CredentialScope(const SigningCredentials& credentials, std::string_view amz_date);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// The derived key: HMAC chain over the date, region, service and "aws4_request" (raw bytes).
std::string SigningKey(const SigningCredentials& credentials, std::string_view amz_date);

// Hex HMAC of the string to sign under the signing key.
std::string SignatureFor(const SigningCredentials& credentials, std::string_view amz_date,
                         std::string_view string_to_sign);

// Signs a request for the Authorization header: appends x-amz-date and x-amz-content-sha256
// (`payload_hash`: the body's SHA-256 or kUnsignedPayload) to `headers`, which must hold the
// host header and any other header to sign, and returns the Authorization header's value.
std::string SignHeaders(const SigningCredentials& credentials, std::string_view method,
                        std::string_view path, const QueryParams& query, HeaderList& headers,
                        std::string_view payload_hash, std::int64_t unix_seconds);

// Pre-signs a request for `host` (as in the Host header, with a port when not the default)
// valid `expires_seconds` (1..604800) from `unix_seconds`; only the host header is signed
// and the payload is UNSIGNED-PAYLOAD. Returns the whole query string to send, `query` and
// the X-Amz-* parameters with X-Amz-Signature, encoded and sorted by name. With
// `content_sha256_param` the query also states X-Amz-Content-Sha256=UNSIGNED-PAYLOAD (as the
// AWS SDKs do); the documentation's example has no such parameter.
std::string PresignQuery(const SigningCredentials& credentials, std::string_view method,
                         std::string_view host, std::string_view path, QueryParams query,
                         std::int64_t unix_seconds, std::int64_t expires_seconds,
                         bool content_sha256_param = true);

}  // namespace cadenza::s3
