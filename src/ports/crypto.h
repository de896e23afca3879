#pragma once
// Cryptographic primitives the services build on. Implemented once, in adapters/sodium
// (libsodium), so no other layer calls a C crypto library.
#include <optional>
#include <string>
#include <string_view>

namespace cadenza::crypto {

// HMAC-SHA256 of `message` under `key`; 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// SHA-256 of `bytes` as 64 lowercase hex digits: content fingerprints (entity tags), not
// secrets.
std::string Sha256Hex(std::string_view bytes);

// Compares in time that depends only on the lengths.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// `n` bytes from the operating system's CSPRNG.
std::string RandomBytes(std::size_t n);

// RFC 4648 section 5 base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace cadenza::crypto

namespace cadenza {

// Password storage: Argon2id encoded strings (salt and parameters inside).
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // Slow on purpose (tens of milliseconds, 64 MiB): call from blocking-work threads only.
  virtual std::string Hash(std::string_view password) const = 0;
  // Constant-time; false for a wrong password or a malformed hash.
  virtual bool Verify(std::string_view encoded_hash, std::string_view password) const = 0;
};

}  // namespace cadenza
