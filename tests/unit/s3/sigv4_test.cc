// SigV4 against the worked examples of the AWS documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk", and "Authenticating Requests:
// Using Query Parameters"), whose signatures were computed by AWS.
#include "adapters/s3/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "adapters/s3/s3_crypto.h"

namespace cadenza::s3 {
namespace {

const SigningCredentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                  "us-east-1", "s3"};
constexpr std::int64_t kMay24 = 1369353600;  // 2013-05-24T00:00:00Z
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";
constexpr const char* kCredential =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,";

TEST(SigV4Test, GetObjectWithRange) {
  HeaderList headers = {{"Host", kHost}, {"Range", "bytes=0-9"}};
  std::string authorization =
      SignHeaders(kExample, "GET", "/test.txt", {}, headers, kEmptyPayloadHash, kMay24);
  EXPECT_EQ(authorization,
            std::string(kCredential) +
                "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // The intermediate steps the example publishes.
  std::string canonical = CanonicalRequest("GET", "/test.txt", {}, headers, kEmptyPayloadHash, nullptr);
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20130524T000000Z", CredentialScope(kExample, "20130524T000000Z"), canonical),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
}

TEST(SigV4Test, PutObjectWithAHashedPayloadAndAnEncodedKey) {
  const std::string payload_hash = Sha256Hex("Welcome to Amazon S3.");
  EXPECT_EQ(payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  HeaderList headers = {{"Host", kHost},
                        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  std::string authorization =
      SignHeaders(kExample, "PUT", "/test$file.text", {}, headers, payload_hash, kMay24);
  EXPECT_EQ(authorization,
            std::string(kCredential) +
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_EQ(CanonicalRequest("PUT", "/test$file.text", {}, headers, payload_hash, nullptr)
                .substr(0, 22),
            "PUT\n/test%24file.text\n");
}

TEST(SigV4Test, GetBucketLifecycleSignsANameWithoutValue) {
  HeaderList headers = {{"Host", kHost}};
  std::string authorization =
      SignHeaders(kExample, "GET", "/", {{"lifecycle", ""}}, headers, kEmptyPayloadHash, kMay24);
  EXPECT_EQ(authorization,
            std::string(kCredential) +
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, ListObjectsSortsTheQuery) {
  HeaderList headers = {{"Host", kHost}};
  std::string authorization = SignHeaders(kExample, "GET", "/", {{"prefix", "J"}, {"max-keys", "2"}},
                                          headers, kEmptyPayloadHash, kMay24);
  EXPECT_EQ(authorization,
            std::string(kCredential) +
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, PresignedGetOfTheQueryParametersExample) {
  std::string query = PresignQuery(kExample, "GET", kHost, "/test.txt", {}, kMay24, 86400,
                                   /*content_sha256_param=*/false);
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            "&X-Amz-SignedHeaders=host");
}

TEST(SigV4Test, PresigningRefusesLifetimesSigV4DoesNotAllow) {
  EXPECT_THROW(PresignQuery(kExample, "GET", kHost, "/a", {}, kMay24, 0), std::invalid_argument);
  EXPECT_THROW(PresignQuery(kExample, "GET", kHost, "/a", {}, kMay24, 604801),
               std::invalid_argument);
  EXPECT_NO_THROW(PresignQuery(kExample, "GET", kHost, "/a", {}, kMay24, 604800));
}

TEST(SigV4Test, EncodesEveryByteButTheUnreservedOnes) {
  EXPECT_EQ(UriEncode("A-Za-z0-9_.~", false), "A-Za-z0-9_.~");
  EXPECT_EQ(UriEncode("a b+c%d/e", false), "a%20b%2Bc%25d%2Fe");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("!'()*$=&?#", true), "%21%27%28%29%2A%24%3D%26%3F%23");
  EXPECT_EQ(UriEncode("é日本", true), "%C3%A9%E6%97%A5%E6%9C%AC");
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "x y"}, {"a", "w"}, {"uploads", ""}}),
            "a=w&a=x%20y&b=2&uploads=");
}

TEST(SigV4Test, FoldsHeaderValueSpaces) {
  HeaderList headers = {{"X-Amz-Meta-Note", "  a   b  "}, {"host", "h"}};
  EXPECT_EQ(CanonicalRequest("GET", "/", {}, headers, kUnsignedPayload, nullptr),
            "GET\n/\n\nhost:h\nx-amz-meta-note:a b\n\nhost;x-amz-meta-note\nUNSIGNED-PAYLOAD");
}

TEST(SigV4Test, FormatsTheDate) {
  EXPECT_EQ(AmzDate(kMay24), "20130524T000000Z");
  EXPECT_EQ(AmzDate(951782399), "20000228T235959Z");
}

}  // namespace
}  // namespace cadenza::s3
