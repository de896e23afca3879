#include <gtest/gtest.h>

#include <string>

#include "adapters/sodium/argon2id_password_hasher.h"

namespace cadenza {
namespace {

class PasswordHasherTest : public ::testing::Test {
 protected:
  Argon2idPasswordHasher hasher_{Argon2idLimits::Minimum()};
};

TEST_F(PasswordHasherTest, VerifiesTheRightPasswordOnly) {
  std::string hash = hasher_.Hash("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(hasher_.Verify(hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher_.Verify(hash, "correct horse battery stapl"));
  EXPECT_FALSE(hasher_.Verify(hash, "Correct horse battery staple"));
  EXPECT_FALSE(hasher_.Verify(hash, ""));
}

TEST_F(PasswordHasherTest, EmptyPasswordAndBinaryPasswords) {
  std::string empty = hasher_.Hash("");
  EXPECT_TRUE(hasher_.Verify(empty, ""));
  EXPECT_FALSE(hasher_.Verify(empty, " "));
  // The whole password counts, including bytes after a NUL.
  std::string binary = hasher_.Hash(std::string("ab\0cd", 5));
  EXPECT_TRUE(hasher_.Verify(binary, std::string("ab\0cd", 5)));
  EXPECT_FALSE(hasher_.Verify(binary, std::string("ab\0ce", 5)));
  EXPECT_FALSE(hasher_.Verify(binary, "ab"));
}

TEST_F(PasswordHasherTest, MalformedHashesAreFalseNotErrors) {
  std::string hash = hasher_.Hash("secret");
  EXPECT_FALSE(hasher_.Verify("", "secret"));
  EXPECT_FALSE(hasher_.Verify("not a hash", "secret"));
  EXPECT_FALSE(hasher_.Verify("$argon2id$v=19$m=8,t=1,p=1$", "secret"));
  EXPECT_FALSE(hasher_.Verify(hash.substr(0, hash.size() - 5), "secret"));
  EXPECT_FALSE(hasher_.Verify(hash + std::string(1, '\0') + "x", "secret"));
  EXPECT_FALSE(hasher_.Verify(std::string(1000, '$'), "secret"));
  std::string tampered = hash;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(hasher_.Verify(tampered, "secret"));
}

TEST_F(PasswordHasherTest, SaltsEveryHash) {
  std::string a = hasher_.Hash("same password");
  std::string b = hasher_.Hash("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher_.Verify(a, "same password"));
  EXPECT_TRUE(hasher_.Verify(b, "same password"));
}

TEST_F(PasswordHasherTest, NeedsRehashWhenLimitsDiffer) {
  std::string weak = hasher_.Hash("pw");
  EXPECT_FALSE(hasher_.NeedsRehash(weak));
  Argon2idPasswordHasher stronger(
      {Argon2idLimits::Minimum().ops_limit + 1, Argon2idLimits::Minimum().mem_limit * 2});
  EXPECT_TRUE(stronger.NeedsRehash(weak));
  EXPECT_TRUE(stronger.Verify(weak, "pw"));  // limits live in the hash, so it still verifies
  EXPECT_TRUE(hasher_.NeedsRehash("garbage"));
}

TEST(Argon2idLimitsTest, InteractiveIsTheLibsodiumDefault) {
  EXPECT_EQ(Argon2idLimits::Interactive().ops_limit, 2u);
  EXPECT_EQ(Argon2idLimits::Interactive().mem_limit, 64u * 1024 * 1024);
  EXPECT_THROW(Argon2idPasswordHasher({0, Argon2idLimits::Minimum().mem_limit}),
               std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
