#pragma once
// The hashes SigV4 and S3 need, on OpenSSL's libcrypto.
#include <string>
#include <string_view>

namespace cadenza::s3 {

// SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

// HMAC-SHA256 of `data` under `key`: the 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

// MD5 of `bytes`, base64 encoded: the value of a Content-MD5 header.
std::string Md5Base64(std::string_view bytes);

}  // namespace cadenza::s3
