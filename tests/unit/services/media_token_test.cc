// The path-scoped media token: round trip, expiry, track binding, tampering, garbage.
#include "services/media_token.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "domain/error.h"
#include "ports/crypto.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza {
namespace {

using track_testing::ErrorFrom;
using track_testing::ManualClock;

constexpr char kSecret[] = "a-media-token-secret-of-32-bytes";
constexpr char kTrack[] = "0190b6e2-1111-7000-8000-000000000001";
constexpr char kOtherTrack[] = "0190b6e2-2222-7000-8000-000000000002";
constexpr char kUser[] = "0190b6e2-3333-7000-8000-000000000003";
constexpr Timestamp kNow = 1'800'000'000'000;
constexpr Timestamp kExpiry = kNow + 6 * 3600 * 1000;

class MediaTokenTest : public ::testing::Test {
 protected:
  void ExpectDenied(std::string_view token, std::string_view track, std::string_view reason) {
    Error error = ErrorFrom([&] { signer_.Verify(token, track); });
    EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied) << token;
    EXPECT_EQ(std::string(error.what()), reason) << token;
  }

  ManualClock clock_{kNow};
  MediaTokenSigner signer_{kSecret, clock_};
};

TEST_F(MediaTokenTest, RoundTrips) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  MediaTokenSigner::Grant grant = signer_.Verify(token, kTrack);
  EXPECT_EQ(grant.track_id, kTrack);
  EXPECT_EQ(grant.user_id, kUser);
  EXPECT_EQ(grant.expires_at, kExpiry);
}

TEST_F(MediaTokenTest, IsOnePathSegmentOfUrlSafeCharacters) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  EXPECT_LT(token.size(), 160u);
  for (char c : token) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
    EXPECT_TRUE(safe) << token;
  }
  // The track is bound by the MAC, not carried: the token does not spell it out.
  EXPECT_EQ(crypto::Base64UrlDecode(token.substr(0, token.find('.')))->find(kTrack),
            std::string::npos);
}

TEST_F(MediaTokenTest, ExpiresAtItsExpiry) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  clock_.Advance(std::chrono::milliseconds(kExpiry - kNow - 1));
  EXPECT_NO_THROW(signer_.Verify(token, kTrack));
  clock_.Advance(std::chrono::milliseconds(1));
  ExpectDenied(token, kTrack, "media token has expired");
}

TEST_F(MediaTokenTest, DoesNotOpenAnotherTrack) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  ExpectDenied(token, kOtherTrack, "media token does not match this track");
  ExpectDenied(token, std::string(kTrack) + "\n", "media token does not match this track");
}

TEST_F(MediaTokenTest, RefusesAlteredTokens) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  std::string mac = token.substr(token.find('.') + 1);
  // A later expiry, another user or another token version under the original MAC.
  for (std::string payload : {"v2." + std::to_string(kExpiry + 1000) + ".0." + kUser,
                              "v2." + std::to_string(kExpiry) + ".0.0190b6e2-4444-7000-8000-"
                              "000000000004",
                              "v2." + std::to_string(kExpiry) + ".1." + kUser}) {
    ExpectDenied(crypto::Base64UrlEncode(payload) + "." + mac, kTrack,
                 "media token does not match this track");
  }
  // One character of the MAC changed (in the middle: every bit there is significant).
  std::string flipped = token;
  std::size_t middle = token.find('.') + 10;
  flipped[middle] = flipped[middle] == 'A' ? 'B' : 'A';
  ExpectDenied(flipped, kTrack, "media token does not match this track");
  // Signed with another secret.
  MediaTokenSigner other("another-secret-of-at-least-32-bytes", clock_);
  ExpectDenied(other.Issue(kTrack, kUser, kExpiry), kTrack,
               "media token does not match this track");
}

TEST_F(MediaTokenTest, ChecksTheMacBeforeTheExpiry) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  clock_.Advance(std::chrono::hours(7));
  ExpectDenied(token, kOtherTrack, "media token does not match this track");
}

TEST_F(MediaTokenTest, RefusesGarbage) {
  std::string token = signer_.Issue(kTrack, kUser, kExpiry);
  std::string payload = token.substr(0, token.find('.'));
  std::string mac = token.substr(token.find('.') + 1);
  auto encoded = [&](std::string_view text) { return crypto::Base64UrlEncode(text) + "." + mac; };
  for (std::string garbage : {
           std::string(), std::string("."), std::string("abc"), token + ".x", "." + mac,
           payload + ".", payload + "." + mac.substr(0, 20), payload + ".!!!!",
           "%%%." + mac, token + "=", std::string(600, 'A') + "." + mac,
           encoded("v1." + std::to_string(kExpiry) + "." + kUser),
           encoded("v3." + std::to_string(kExpiry) + ".0." + kUser),
           encoded("v2." + std::to_string(kExpiry) + "." + kUser),
           encoded("v2." + std::to_string(kExpiry)),
           encoded("v2." + std::to_string(kExpiry) + ".0."),
           encoded("v2.0" + std::to_string(kExpiry) + ".0." + kUser),
           encoded("v2.-" + std::to_string(kExpiry) + ".0." + kUser),
           encoded("v2.12x4.0." + std::string(kUser)),
           encoded("v2." + std::to_string(kExpiry) + ".01." + kUser),
           encoded("v2." + std::to_string(kExpiry) + ".-1." + kUser),
           encoded("v2." + std::to_string(kExpiry) + ".0.a.b"),
           encoded("v2." + std::to_string(kExpiry) + ".0.line\nbreak"),
       }) {
    ExpectDenied(garbage, kTrack, "malformed media token");
  }
}

TEST_F(MediaTokenTest, RefusesShortSecretsAndUnusableGrants) {
  EXPECT_THROW(MediaTokenSigner(std::string(31, 'k'), clock_), std::invalid_argument);
  EXPECT_NO_THROW(MediaTokenSigner(std::string(32, 'k'), clock_));
  EXPECT_THROW(signer_.Issue("", kUser, kExpiry), std::invalid_argument);
  EXPECT_THROW(signer_.Issue(kTrack, "", kExpiry), std::invalid_argument);
  EXPECT_THROW(signer_.Issue("a\nb", kUser, kExpiry), std::invalid_argument);
  EXPECT_THROW(signer_.Issue(kTrack, "a.b", kExpiry), std::invalid_argument);
  EXPECT_THROW(signer_.Issue(kTrack, kUser, -1), std::invalid_argument);
  EXPECT_THROW(signer_.Issue(kTrack, kUser, kExpiry, -1), std::invalid_argument);
}

TEST_F(MediaTokenTest, CarriesTheAccountsTokenVersion) {
  MediaTokenSigner::Grant grant = signer_.Verify(signer_.Issue(kTrack, kUser, kExpiry, 7), kTrack);
  EXPECT_EQ(grant.token_version, 7);
  EXPECT_EQ(grant.user_id, kUser);
  EXPECT_EQ(signer_.Verify(signer_.Issue(kTrack, kUser, kExpiry), kTrack).token_version, 0);
}

}  // namespace
}  // namespace cadenza
