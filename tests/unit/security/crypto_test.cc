#include "ports/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cadenza::crypto {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0F]);
  }
  return out;
}

// RFC 4231 section 4.2.
// FIPS 180-2 appendix B vectors.
TEST(Sha256HexTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(HmacSha256Test, Rfc4231Case1) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 section 4.3: a key shorter than the output.
TEST(HmacSha256Test, Rfc4231Case2) {
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 section 4.7: a 131-byte key, longer than the 64-byte block, is hashed first.
TEST(HmacSha256Test, Rfc4231Case6KeyLongerThanBlock) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(131, '\xaa'),
                             "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  EXPECT_EQ(ToHex(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Base64UrlTest, KnownEncodings) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  // The URL-safe alphabet: '-' and '_' instead of '+' and '/'.
  EXPECT_EQ(Base64UrlEncode(FromHex("fbff")), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), FromHex("fbff"));
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 7 + 3));
    std::string encoded = Base64UrlEncode(bytes);
    EXPECT_EQ(encoded.find_first_of("=+/"), std::string::npos);
    std::optional<std::string> decoded = Base64UrlDecode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(Base64UrlDecode(""), std::string());
}

TEST(Base64UrlTest, RefusesPaddingWhitespaceAndForeignCharacters) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
  EXPECT_FALSE(Base64UrlDecode("Zm8="));
  EXPECT_FALSE(Base64UrlDecode("Zm9v "));
  EXPECT_FALSE(Base64UrlDecode(" Zm9v"));
  EXPECT_FALSE(Base64UrlDecode("Zm\n9v"));
  EXPECT_FALSE(Base64UrlDecode("Zm9\tv"));
  EXPECT_FALSE(Base64UrlDecode("+_8"));  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("-/8"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v!"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v."));
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)));
  EXPECT_FALSE(Base64UrlDecode("Z"));   // no byte string encodes to one character
  EXPECT_FALSE(Base64UrlDecode("Zh"));  // non-zero trailing bits: not the canonical "Zg"
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEqual("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
  EXPECT_FALSE(ConstantTimeEqual("a", ""));
  EXPECT_TRUE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(RandomBytesTest, HasRequestedLengthAndVaries) {
  EXPECT_EQ(RandomBytes(0), "");
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomBytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace cadenza::crypto
