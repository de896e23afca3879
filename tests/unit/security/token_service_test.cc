#include "services/token_service.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "domain/error.h"
#include "ports/crypto.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using crypto::Base64UrlDecode;
using crypto::Base64UrlEncode;
using test_support::ManualClock;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";
constexpr Timestamp kNow = 1'700'000'000'123;  // ms

struct Parts {
  std::string header, payload, signature;
};

Parts Split(const std::string& token) {
  std::size_t a = token.find('.');
  std::size_t b = token.find('.', a + 1);
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

// A token with our secret's valid signature over arbitrary JSON text.
std::string Sign(std::string_view header_json, std::string_view payload_json,
                 std::string_view secret = kSecret) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return input + "." + Hs256Signature(secret, input);
}

std::string Claims(std::int64_t iat, std::int64_t exp, std::string_view role = "artist",
                   std::string_view iss = "cadenza") {
  boost::json::object o;
  o["iss"] = iss;
  o["sub"] = "user-1";
  o["role"] = role;
  o["iat"] = iat;
  o["exp"] = exp;
  return boost::json::serialize(o);
}

constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

class TokenServiceTest : public ::testing::Test {
 protected:
  std::string VerifyError(std::string_view token) {
    try {
      service_.Verify(token);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthenticated) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "token was accepted: " << token;
    return {};
  }

  ManualClock clock_{kNow};
  TokenService service_{kSecret, TokenOptions{}, clock_};
  const std::int64_t now_s_ = kNow / 1000;
};

// The example token of RFC 7519 tooling (jwt.io): our HMAC and encoding must reproduce it.
TEST(Hs256SignatureTest, ReproducesTheWellKnownVector) {
  std::string input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      Base64UrlEncode(R"({"sub":"1234567890","name":"John Doe","iat":1516239022})");
  EXPECT_EQ(input,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ");
  EXPECT_EQ(Hs256Signature("your-256-bit-secret", input),
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
}

TEST_F(TokenServiceTest, IssuesTokensThatVerify) {
  TokenService::Issued issued = service_.Issue(Principal{"user-42", Role::kArtist});
  EXPECT_EQ(issued.expires_in_seconds, 3600);
  EXPECT_EQ(issued.expires_at, (now_s_ + 3600) * 1000);
  Principal who = service_.Verify(issued.token);
  EXPECT_EQ(who.user_id, "user-42");
  EXPECT_EQ(who.role, Role::kArtist);

  Parts parts = Split(issued.token);
  EXPECT_EQ(Base64UrlDecode(parts.header), std::string(kHeader));
  boost::json::object claims = boost::json::parse(*Base64UrlDecode(parts.payload)).as_object();
  EXPECT_EQ(claims.at("iss"), "cadenza");
  EXPECT_EQ(claims.at("sub"), "user-42");
  EXPECT_EQ(claims.at("role"), "artist");
  EXPECT_EQ(claims.at("iat").as_int64(), now_s_);
  EXPECT_EQ(claims.at("exp").as_int64(), now_s_ + 3600);
  EXPECT_TRUE(claims.at("jti").is_string());
}

TEST_F(TokenServiceTest, CarriesTheAccountsTokenVersion) {
  TokenService::Issued issued = service_.Issue(Principal{"user-42", Role::kArtist}, 7);
  boost::json::object claims =
      boost::json::parse(*Base64UrlDecode(Split(issued.token).payload)).as_object();
  EXPECT_EQ(claims.at("ver").as_int64(), 7);
  TokenService::Verified verified = service_.VerifyClaims(issued.token);
  EXPECT_EQ(verified.token_version, 7);
  EXPECT_EQ(verified.principal.user_id, "user-42");
  // Tokens from before versions existed have no `ver`: they read as version 0.
  EXPECT_EQ(service_.VerifyClaims(Sign(kHeader, Claims(now_s_, now_s_ + 60))).token_version, 0);
}

TEST_F(TokenServiceTest, EveryTokenHasItsOwnId) {
  std::set<std::string> tokens;
  for (int i = 0; i < 20; ++i) tokens.insert(service_.Issue(Principal{"u", Role::kAdmin}).token);
  EXPECT_EQ(tokens.size(), 20u);
}

TEST_F(TokenServiceTest, AcceptsHandBuiltTokenWithoutTyp) {
  Principal who = service_.Verify(Sign(R"({"alg":"HS256"})", Claims(now_s_, now_s_ + 60, "admin")));
  EXPECT_EQ(who.role, Role::kAdmin);
}

TEST_F(TokenServiceTest, RefusesGarbage) {
  for (std::string_view token : {"", "abc", "a.b", "a.b.c.d", "..", ".b.c", "a..c", "!!!.???.***",
                                 "eyJhbGciOiJIUzI1NiJ9 .e30.x"}) {
    std::string reason = VerifyError(token);
    EXPECT_NE(reason.find("malformed token"), std::string::npos) << token << ": " << reason;
  }
  EXPECT_NE(VerifyError(std::string(10000, 'a')).find("malformed"), std::string::npos);
}

TEST_F(TokenServiceTest, RefusesHeaderThatIsNotJson) {
  std::string token = Base64UrlEncode("not json") + "." + Base64UrlEncode("{}") + ".c2ln";
  EXPECT_NE(VerifyError(token).find("header"), std::string::npos);
  token = Base64UrlEncode("[1,2]") + "." + Base64UrlEncode("{}") + ".c2ln";
  EXPECT_NE(VerifyError(token).find("header"), std::string::npos);
}

TEST_F(TokenServiceTest, RefusesAlgNoneWithEmptySignature) {
  std::string token = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                      Base64UrlEncode(Claims(now_s_, now_s_ + 60, "admin")) + ".";
  EXPECT_NE(VerifyError(token).find("algorithm"), std::string::npos);
}

TEST_F(TokenServiceTest, RefusesOtherAlgorithmsEvenWhenSignedWithTheSecret) {
  for (std::string_view alg : {"HS512", "RS256", "hs256", "HS256 ", "none"}) {
    std::string header = R"({"alg":")" + std::string(alg) + R"(","typ":"JWT"})";
    std::string reason = VerifyError(Sign(header, Claims(now_s_, now_s_ + 60)));
    EXPECT_NE(reason.find("algorithm"), std::string::npos) << alg << ": " << reason;
  }
  EXPECT_NE(VerifyError(Sign(R"({"typ":"JWT"})", Claims(now_s_, now_s_ + 60))).find("alg"),
            std::string::npos);
  EXPECT_NE(VerifyError(Sign(R"({"alg":256})", Claims(now_s_, now_s_ + 60))).find("alg"),
            std::string::npos);
}

TEST_F(TokenServiceTest, RefusesOtherTyp) {
  std::string reason =
      VerifyError(Sign(R"({"alg":"HS256","typ":"JWE"})", Claims(now_s_, now_s_ + 60)));
  EXPECT_NE(reason.find("type"), std::string::npos) << reason;
  EXPECT_NE(
      VerifyError(Sign(R"({"alg":"HS256","typ":1})", Claims(now_s_, now_s_ + 60))).find("type"),
      std::string::npos);
}

TEST_F(TokenServiceTest, RefusesPayloadSwappedToAdminUnderTheOldSignature) {
  std::string token = service_.Issue(Principal{"user-1", Role::kListener}).token;
  Parts parts = Split(token);
  std::string forged = parts.header + "." +
                       Base64UrlEncode(Claims(now_s_, now_s_ + 3600, "admin")) + "." +
                       parts.signature;
  EXPECT_EQ(VerifyError(forged), "invalid token signature");
}

TEST_F(TokenServiceTest, RefusesBadSignatures) {
  std::string token = service_.Issue(Principal{"user-1", Role::kListener}).token;
  Parts parts = Split(token);
  std::string input = parts.header + "." + parts.payload;
  EXPECT_EQ(VerifyError(input + "."), "invalid token signature");
  EXPECT_EQ(VerifyError(input + ".AAAA"), "invalid token signature");
  EXPECT_EQ(VerifyError(input + "." + parts.signature + "A"), "invalid token signature");
  EXPECT_EQ(VerifyError(input + "." + parts.signature + "="), "invalid token signature");
  std::string flipped = parts.signature;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(VerifyError(input + "." + flipped), "invalid token signature");
  // Signed by someone with another secret.
  EXPECT_EQ(
      VerifyError(Sign(kHeader, Claims(now_s_, now_s_ + 60), "another-secret-another-secret-xx")),
      "invalid token signature");
}

TEST_F(TokenServiceTest, ChecksTheSignatureBeforeTheClaims) {
  // An expired token from a stranger is refused for its signature, not its expiry.
  std::string token = Sign(kHeader, Claims(0, 1), "another-secret-another-secret-xx");
  EXPECT_EQ(VerifyError(token), "invalid token signature");
  // A payload that is not JSON at all, with a forged signature.
  token = Base64UrlEncode(kHeader) + "." + Base64UrlEncode("{{{") + ".AAAA";
  EXPECT_EQ(VerifyError(token), "invalid token signature");
}

TEST_F(TokenServiceTest, RefusesPayloadThatIsNotAnObject) {
  for (std::string_view payload : {"[]", "42", "\"x\"", "{", "null"}) {
    std::string reason = VerifyError(Sign(kHeader, payload));
    EXPECT_NE(reason.find("payload"), std::string::npos) << payload << ": " << reason;
  }
  // Valid signature over bytes that are not base64url-decodable JSON.
  std::string input = Base64UrlEncode(kHeader) + ".e30=";  // padded
  EXPECT_NE(VerifyError(input + "." + Hs256Signature(kSecret, input)).find("payload"),
            std::string::npos);
}

TEST_F(TokenServiceTest, RefusesMissingOrIllTypedClaims) {
  const std::int64_t iat = now_s_, exp = now_s_ + 60;
  struct Case {
    std::string payload;
    std::string claim;
  };
  auto without = [&](std::string_view name) {
    boost::json::object o = boost::json::parse(Claims(iat, exp)).as_object();
    o.erase(name);
    return boost::json::serialize(o);
  };
  auto with = [&](std::string_view name, boost::json::value v) {
    boost::json::object o = boost::json::parse(Claims(iat, exp)).as_object();
    o[name] = v;
    return boost::json::serialize(o);
  };
  std::vector<Case> cases = {
      {without("iss"), "iss"},
      {without("sub"), "sub"},
      {without("role"), "role"},
      {without("iat"), "iat"},
      {without("exp"), "exp"},
      {with("sub", 42), "sub"},
      {with("role", nullptr), "role"},
      {with("exp", "tomorrow"), "exp"},
      {with("exp", 1.7e9), "exp"},
      {with("iat", -5), "iat"},
      {with("exp", boost::json::value(std::uint64_t{1} << 63)), "exp"},
      {with("sub", ""), "sub"},
      {with("ver", "1"), "ver"},
      {with("ver", -1), "ver"},
      {with("ver", 1.5), "ver"},
  };
  for (const Case& c : cases) {
    std::string reason = VerifyError(Sign(kHeader, c.payload));
    EXPECT_NE(reason.find("'" + c.claim + "'"), std::string::npos) << c.payload << ": " << reason;
  }
}

TEST_F(TokenServiceTest, RefusesOtherIssuer) {
  EXPECT_EQ(VerifyError(Sign(kHeader, Claims(now_s_, now_s_ + 60, "artist", "someone-else"))),
            "token was not issued by this server");
  TokenService other(kSecret, TokenOptions{.issuer = "other"}, clock_);
  EXPECT_EQ(VerifyError(other.Issue(Principal{"u", Role::kListener}).token),
            "token was not issued by this server");
}

TEST_F(TokenServiceTest, ExpiresExactlyAtExp) {
  std::string token = service_.Issue(Principal{"u", Role::kListener}).token;
  const Timestamp exp_ms = (now_s_ + 3600) * 1000;
  clock_.Set(exp_ms - 1);
  EXPECT_NO_THROW(service_.Verify(token));
  clock_.Set(exp_ms);
  EXPECT_EQ(VerifyError(token), "token has expired");
  clock_.Set(exp_ms + 86'400'000);
  EXPECT_EQ(VerifyError(token), "token has expired");
}

TEST_F(TokenServiceTest, RefusesTokensIssuedInTheFuture) {
  EXPECT_NO_THROW(service_.Verify(Sign(kHeader, Claims(now_s_ + 30, now_s_ + 90))));
  std::string reason = VerifyError(Sign(kHeader, Claims(now_s_ + 31, now_s_ + 90)));
  EXPECT_NE(reason.find("future"), std::string::npos) << reason;
}

TEST_F(TokenServiceTest, RefusesUnknownRoles) {
  for (std::string_view role : {"root", "Admin", "", "superuser"}) {
    EXPECT_EQ(VerifyError(Sign(kHeader, Claims(now_s_, now_s_ + 60, role))),
              "token names an unknown role")
        << role;
  }
}

TEST(TokenServiceConstructionTest, RequiresA32ByteSecret) {
  ManualClock clock(0);
  EXPECT_THROW(TokenService(std::string(31, 'k'), TokenOptions{}, clock), std::invalid_argument);
  EXPECT_NO_THROW(TokenService(std::string(32, 'k'), TokenOptions{}, clock));
  EXPECT_THROW(
      TokenService(std::string(32, 'k'), TokenOptions{.ttl = std::chrono::seconds(0)}, clock),
      std::invalid_argument);
}

TEST(TokenServiceConstructionTest, CustomTtl) {
  ManualClock clock(kNow);
  TokenService service(kSecret, TokenOptions{.ttl = std::chrono::seconds(60), .leeway = {}}, clock);
  TokenService::Issued issued = service.Issue(Principal{"u", Role::kListener});
  EXPECT_EQ(issued.expires_in_seconds, 60);
  clock.Set(issued.expires_at - 1);
  EXPECT_NO_THROW(service.Verify(issued.token));
  clock.Set(issued.expires_at);
  EXPECT_THROW(service.Verify(issued.token), Error);
}

}  // namespace
}  // namespace cadenza
