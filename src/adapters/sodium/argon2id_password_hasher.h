#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "ports/crypto.h"

namespace cadenza {

// Argon2id cost parameters. Interactive() is libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE
// (2 passes, 64 MiB); Minimum() is the weakest the algorithm allows and exists for tests.
struct Argon2idLimits {
  unsigned long long ops_limit = 0;
  std::size_t mem_limit = 0;

  static Argon2idLimits Interactive();
  static Argon2idLimits Minimum();
};

// PasswordHasher on libsodium's crypto_pwhash_str (Argon2id, random salt, PHC-style encoded
// string "$argon2id$v=19$m=...,t=...,p=1$salt$hash"). Thread-safe; stateless apart from limits.
class Argon2idPasswordHasher final : public PasswordHasher {
 public:
  Argon2idPasswordHasher();  // Interactive() limits
  // Throws std::invalid_argument when the limits are outside what Argon2id accepts.
  explicit Argon2idPasswordHasher(Argon2idLimits limits);

  // Throws std::runtime_error when the memory for the hash cannot be allocated.
  std::string Hash(std::string_view password) const override;
  // False for a wrong password and for anything that is not a valid encoded hash; never throws
  // for those.
  bool Verify(std::string_view encoded_hash, std::string_view password) const override;
  // True when `encoded` was made with other limits or another algorithm, or is malformed: the
  // caller should store a fresh Hash() after the next successful Verify().
  bool NeedsRehash(std::string_view encoded) const;

 private:
  Argon2idLimits limits_;
};

}  // namespace cadenza
