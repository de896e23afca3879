#include "services/url_signer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "domain/error.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using Query = std::multimap<std::string, std::string>;
using test_support::ManualClock;

constexpr char kSecret[] = "an-url-signing-secret-of-32-byte";
constexpr Timestamp kNow = 1'700'000'000'000;

// Splits "a=1&b=2" into a multimap, percent-decoding values as the HTTP layer does.
Query ParseQuery(std::string_view text) {
  Query query;
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    std::size_t eq = pair.find('=');
    std::string value;
    std::string_view raw = pair.substr(eq + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%' && i + 2 < raw.size()) {
        value.push_back(
            static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(raw[i]);
      }
    }
    query.emplace(std::string(pair.substr(0, eq)), value);
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return query;
}

class UrlSignerTest : public ::testing::Test {
 protected:
  SignedGrant Grant() const {
    return SignedGrant{"PUT", "uploads/abc.flac", kNow + 60'000, "user-7", 1'000'000};
  }

  std::string VerifyError(std::string_view method, std::string_view key, const Query& query) {
    try {
      signer_.Verify(method, key, query);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "signature was accepted";
    return {};
  }

  ManualClock clock_{kNow};
  UrlSigner signer_{kSecret, clock_};
};

TEST_F(UrlSignerTest, SignedQueryVerifies) {
  std::string text = signer_.SignQuery(Grant());
  EXPECT_EQ(text.rfind("exp=1700000060000&uid=user-7&max=1000000&sig=", 0), 0u) << text;
  SignedGrant grant = signer_.Verify("PUT", "uploads/abc.flac", ParseQuery(text));
  EXPECT_EQ(grant.method, "PUT");
  EXPECT_EQ(grant.key, "uploads/abc.flac");
  EXPECT_EQ(grant.expires_at, kNow + 60'000);
  EXPECT_EQ(grant.user_id, "user-7");
  EXPECT_EQ(grant.max_bytes, 1'000'000);
}

TEST_F(UrlSignerTest, SignsAStoresGrantRequestAsTheSameGrant) {
  BlobGrantRequest write;
  write.access = BlobAccess::kWrite;
  write.key = "uploads/abc.flac";
  write.expires_at = kNow + 60'000;
  write.max_bytes = 1'000'000;
  write.user_id = "user-7";
  const BlobGrantSigner& as_port = signer_;
  EXPECT_EQ(as_port.SignQuery(write), signer_.SignQuery(Grant()));
  BlobGrantRequest read = write;
  read.access = BlobAccess::kRead;  // a read never carries a size limit
  SignedGrant got = signer_.Verify("GET", "uploads/abc.flac", ParseQuery(as_port.SignQuery(read)));
  EXPECT_EQ(got.max_bytes, 0);
  EXPECT_EQ(VerifyError("PUT", "uploads/abc.flac", ParseQuery(as_port.SignQuery(read))),
            "signature does not match");
}

TEST_F(UrlSignerTest, MaxIsOmittedWhenZero) {
  SignedGrant grant = Grant();
  grant.method = "GET";
  grant.max_bytes = 0;
  std::string text = signer_.SignQuery(grant);
  EXPECT_EQ(text.find("max="), std::string::npos) << text;
  EXPECT_EQ(signer_.Verify("GET", grant.key, ParseQuery(text)).max_bytes, 0);
}

TEST_F(UrlSignerTest, UserIdsArePercentEncoded) {
  SignedGrant grant = Grant();
  grant.user_id = "a b&c=d/é";
  std::string text = signer_.SignQuery(grant);
  EXPECT_NE(text.find("uid=a%20b%26c%3Dd%2F%C3%A9&"), std::string::npos) << text;
  EXPECT_EQ(signer_.Verify("PUT", grant.key, ParseQuery(text)).user_id, grant.user_id);
}

TEST_F(UrlSignerTest, ExtraUnsignedParametersAreIgnored) {
  Query query = ParseQuery(signer_.SignQuery(Grant()));
  query.emplace("download", "1");
  EXPECT_NO_THROW(signer_.Verify("PUT", Grant().key, query));
}

TEST_F(UrlSignerTest, ExpiresAtExp) {
  Query query = ParseQuery(signer_.SignQuery(Grant()));
  clock_.Set(kNow + 59'999);
  EXPECT_NO_THROW(signer_.Verify("PUT", Grant().key, query));
  clock_.Set(kNow + 60'000);
  EXPECT_EQ(VerifyError("PUT", Grant().key, query), "signature has expired");
}

TEST_F(UrlSignerTest, ExpiryIsCheckedOnlyAfterTheMac) {
  Query query = ParseQuery(signer_.SignQuery(Grant()));
  clock_.Set(kNow + 120'000);
  EXPECT_EQ(VerifyError("PUT", "uploads/other.flac", query), "signature does not match");
}

TEST_F(UrlSignerTest, RefusesTamperedKeyAndMethod) {
  Query query = ParseQuery(signer_.SignQuery(Grant()));
  EXPECT_EQ(VerifyError("PUT", "uploads/abc.flaC", query), "signature does not match");
  EXPECT_EQ(VerifyError("PUT", "uploads/abc.flac/", query), "signature does not match");
  EXPECT_EQ(VerifyError("PUT", "uploads/abc.flac\n", query), "signature does not match");
  EXPECT_EQ(VerifyError("GET", "uploads/abc.flac", query), "signature does not match");
  EXPECT_EQ(VerifyError("put", "uploads/abc.flac", query), "signature does not match");
}

TEST_F(UrlSignerTest, RefusesTamperedParameters) {
  const Query good = ParseQuery(signer_.SignQuery(Grant()));
  auto with = [&](const std::string& name, const std::string& value) {
    Query q = good;
    q.erase(name);
    q.emplace(name, value);
    return q;
  };
  const std::string path = Grant().key;
  EXPECT_EQ(VerifyError("PUT", path, with("uid", "user-8")), "signature does not match");
  EXPECT_EQ(VerifyError("PUT", path, with("max", "1000001")), "signature does not match");
  EXPECT_EQ(VerifyError("PUT", path, with("exp", "1700000060001")), "signature does not match");
  Query no_max = good;
  no_max.erase("max");
  EXPECT_EQ(VerifyError("PUT", path, no_max), "signature does not match");
  std::string sig = good.find("sig")->second;
  sig[3] = sig[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(VerifyError("PUT", path, with("sig", sig)), "signature does not match");
  // A signature from another secret.
  UrlSigner other("another-url-signing-secret-32-by", clock_);
  EXPECT_EQ(VerifyError("PUT", path, ParseQuery(other.SignQuery(Grant()))),
            "signature does not match");
}

TEST_F(UrlSignerTest, RefusesMissingSignature) {
  Query query = ParseQuery(signer_.SignQuery(Grant()));
  query.erase("sig");
  EXPECT_EQ(VerifyError("PUT", Grant().key, query), "signature is missing");
  EXPECT_EQ(VerifyError("PUT", Grant().key, Query{}), "signature is missing");
}

TEST_F(UrlSignerTest, RefusesDuplicateAndMalformedParameters) {
  const Query good = ParseQuery(signer_.SignQuery(Grant()));
  const std::string path = Grant().key;
  for (const char* name : {"exp", "uid", "max", "sig"}) {
    Query duplicated = good;
    duplicated.emplace(name, good.find(name)->second);  // even an identical copy
    EXPECT_EQ(VerifyError("PUT", path, duplicated), "malformed signature parameters") << name;
  }
  auto with = [&](const std::string& name, const std::string& value) {
    Query q = good;
    q.erase(name);
    q.emplace(name, value);
    return q;
  };
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"exp", ""},
                                                        {"exp", "-1"},
                                                        {"exp", "+1700000060000"},
                                                        {"exp", "01700000060000"},
                                                        {"exp", "1e12"},
                                                        {"exp", "99999999999999999999"},
                                                        {"max", "abc"},
                                                        {"max", "0"},
                                                        {"max", "-5"},
                                                        {"max", ""},
                                                        {"uid", ""},
                                                        {"sig", "not base64!"},
                                                        {"sig", "AAAA"},
                                                        {"sig", good.find("sig")->second + "="}}) {
    EXPECT_EQ(VerifyError("PUT", path, with(name, value)), "malformed signature parameters")
        << name << "=" << value;
  }
  Query no_exp = good;
  no_exp.erase("exp");
  EXPECT_EQ(VerifyError("PUT", path, no_exp), "malformed signature parameters");
  Query no_uid = good;
  no_uid.erase("uid");
  EXPECT_EQ(VerifyError("PUT", path, no_uid), "malformed signature parameters");
}

TEST(UrlSignerConstructionTest, RefusesShortSecretsAndAmbiguousGrants) {
  ManualClock clock(kNow);
  EXPECT_THROW(UrlSigner(std::string(31, 's'), clock), std::invalid_argument);
  UrlSigner signer(std::string(32, 's'), clock);
  EXPECT_THROW(signer.SignQuery(SignedGrant{"GET", "a\n1", kNow, "u", 0}), std::invalid_argument);
  EXPECT_THROW(signer.SignQuery(SignedGrant{"GET", "a", kNow, "u\n2", 0}), std::invalid_argument);
  EXPECT_THROW(signer.SignQuery(SignedGrant{"GET", "a", kNow, "u", -1}), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
