#include "adapters/sodium/argon2id_password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "adapters/sodium/sodium_init.h"

namespace cadenza {

namespace {

// crypto_pwhash_* read the encoded hash as a C string in a buffer of STRBYTES. Returns false
// when it cannot be one (too long, embedded NUL), so such input is never truncated into
// something else.
bool ToEncodedBuffer(std::string_view encoded, char (&out)[crypto_pwhash_STRBYTES]) {
  if (encoded.size() >= sizeof out || encoded.find('\0') != std::string_view::npos) return false;
  encoded.copy(out, encoded.size());
  out[encoded.size()] = '\0';
  return true;
}

// Never hand libsodium a null pointer, even for an empty password.
const char* Data(std::string_view s) { return s.empty() ? "" : s.data(); }

}  // namespace

Argon2idLimits Argon2idLimits::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

Argon2idLimits Argon2idLimits::Minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Argon2idPasswordHasher::Argon2idPasswordHasher()
    : Argon2idPasswordHasher(Argon2idLimits::Interactive()) {}

Argon2idPasswordHasher::Argon2idPasswordHasher(Argon2idLimits limits) : limits_(limits) {
  if (limits.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      limits.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      limits.mem_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      limits.mem_limit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument("Argon2id limits out of range");
  }
  sodium::EnsureInitialized();
}

std::string Argon2idPasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, Data(password), password.size(), limits_.ops_limit,
                            limits_.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("Argon2id: out of memory while hashing a password");
  }
  return std::string(out);
}

bool Argon2idPasswordHasher::Verify(std::string_view encoded_hash,
                                    std::string_view password) const {
  char encoded[crypto_pwhash_STRBYTES];
  if (!ToEncodedBuffer(encoded_hash, encoded)) return false;
  return crypto_pwhash_str_verify(encoded, Data(password), password.size()) == 0;
}

bool Argon2idPasswordHasher::NeedsRehash(std::string_view encoded) const {
  char buffer[crypto_pwhash_STRBYTES];
  if (!ToEncodedBuffer(encoded, buffer)) return true;
  // 0: Argon2id with exactly our limits; 1: other limits; -1: not an Argon2id string.
  return crypto_pwhash_argon2id_str_needs_rehash(buffer, limits_.ops_limit, limits_.mem_limit) != 0;
}

}  // namespace cadenza
