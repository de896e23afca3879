// ports/crypto.h implemented with libsodium. All functions are thread-safe.
#include "ports/crypto.h"

#include <sodium.h>

#include <stdexcept>

#include "adapters/sodium/sodium_init.h"

namespace cadenza::crypto {

namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
  sodium::EnsureInitialized();
  // The streaming API accepts keys of any length (longer ones are hashed first, per RFC 2104);
  // crypto_auth_hmacsha256() itself only takes 32-byte keys.
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  if (crypto_auth_hmacsha256_init(&state, Bytes(key), key.size()) != 0 ||
      crypto_auth_hmacsha256_update(&state, Bytes(message), message.size()) != 0 ||
      crypto_auth_hmacsha256_final(&state, mac) != 0) {
    sodium_memzero(&state, sizeof state);
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  sodium_memzero(&state, sizeof state);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string Sha256Hex(std::string_view bytes) {
  sodium::EnsureInitialized();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, Bytes(bytes), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof hex - 1);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  sodium::EnsureInitialized();
  // Lengths differing: still walk all of `a` (against itself), so the time depends on the
  // lengths only, never on where the content first differs.
  const bool same_length = a.size() == b.size();
  const std::string_view other = same_length ? b : a;
  const bool equal = a.empty() || sodium_memcmp(a.data(), other.data(), a.size()) == 0;
  return same_length && equal;
}

std::string RandomBytes(std::size_t n) {
  sodium::EnsureInitialized();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  sodium::EnsureInitialized();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');  // includes the NUL
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  sodium::EnsureInitialized();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  // No `ignore` set: whitespace is as invalid as '=' or any character outside the alphabet.
  // libsodium also refuses impossible lengths and non-zero trailing bits, so every byte string
  // has exactly one accepted spelling.
  int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                             text.size(), nullptr, &length, &end,
                             sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if (rc != 0 || end != text.data() + text.size()) return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace cadenza::crypto
