// What the S3 store adds to the port's contract (the conformance suite in
// tests/unit/blob_store/ covers the contract itself), against s3rver started by this process.
#include "adapters/s3/s3_blob_store.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>
#include <string>

#include "domain/error.h"
#include "unit/support/s3rver_process.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using test_support::S3rverProcess;

std::string Pattern(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  unsigned state = seed;
  for (char& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 16);
  }
  return bytes;
}

std::string ReadAll(BlobReader& reader) {
  std::string out(static_cast<std::size_t>(reader.size()), '\0');
  std::size_t at = 0;
  while (at < out.size()) {
    std::size_t n = reader.ReadAt(static_cast<std::int64_t>(at), out.data() + at,
                                  std::min<std::size_t>(50'000, out.size() - at));
    if (n == 0) break;
    at += n;
  }
  out.resize(at);
  return out;
}

// A stream of unknown size.
class StreamSource final : public BlobSource {
 public:
  explicit StreamSource(std::string_view bytes) : bytes_(bytes) {}
  std::optional<std::int64_t> size() const override { return std::nullopt; }
  std::size_t Read(char* out, std::size_t n) override {
    std::size_t count = bytes_.copy(out, std::min<std::size_t>(n, 1000));
    bytes_.remove_prefix(count);
    return count;
  }

 private:
  std::string_view bytes_;
};

template <typename Call>
Error ErrorFrom(Call&& call) {
  try {
    call();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no Error thrown";
  return Error(ErrorCode::kInternal, "none");
}

TEST(S3BlobStoreTest, MultipartPutsReassembleByteIdentical) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.multipart_threshold = 100 << 10;
  options.part_size = 64 << 10;
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);

  const std::string known = Pattern(300'001, 1);  // 5 parts, the last one byte
  BlobInfo put = store->Put("originals/known", known);
  EXPECT_EQ(put.size, 300'001);
  EXPECT_EQ(store->Stat("originals/known")->size, 300'001);
  EXPECT_EQ(store->Stat("originals/known")->version, put.version);
  EXPECT_EQ(ReadAll(*store->Open("originals/known")), known);

  const std::string streamed = Pattern(200'000, 2);  // unknown size: buffered part by part
  StreamSource source(streamed);
  EXPECT_EQ(store->PutFrom("originals/streamed", source).size, 200'000);
  EXPECT_EQ(ReadAll(*store->Open("originals/streamed")), streamed);

  const std::string small = Pattern(1000, 3);  // a short stream goes up in one PUT
  StreamSource short_source(small);
  EXPECT_EQ(store->PutFrom("originals/small", short_source).size, 1000);
  EXPECT_EQ(ReadAll(*store->Open("originals/small")), small);
}

// A source of known size that fails once it has handed out `fail_after` bytes.
class FailingSource final : public BlobSource {
 public:
  FailingSource(std::int64_t size, std::size_t fail_after) : size_(size), fail_after_(fail_after) {}
  std::optional<std::int64_t> size() const override { return size_; }
  std::size_t Read(char* out, std::size_t n) override {
    if (at_ >= fail_after_) throw std::runtime_error("the client went away");
    std::size_t count = std::min(n, fail_after_ - at_);
    std::fill(out, out + count, 'z');
    at_ += count;
    return count;
  }

 private:
  std::int64_t size_;
  std::size_t fail_after_;
  std::size_t at_ = 0;
};

TEST(S3BlobStoreTest, AMultipartPutFailingAfterItsFirstPartChangesNothing) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.multipart_threshold = 64 << 10;
  options.part_size = 32 << 10;
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);
  store->Put("k", "the old blob");
  FailingSource replacing(100'000, 50'000);  // part 1 is sent, part 2 never completes
  EXPECT_THROW(store->PutFrom("k", replacing), std::runtime_error);
  EXPECT_EQ(ReadAll(*store->Open("k")), "the old blob");
  FailingSource fresh(100'000, 70'000);
  EXPECT_THROW(store->PutFrom("fresh", fresh), std::runtime_error);
  EXPECT_FALSE(store->Stat("fresh").has_value());
}

TEST(S3BlobStoreTest, TransientFailuresAreRetried) {
  S3rverProcess server({"music"}, /*fail_every=*/2);  // every first try of a request fails
  S3Options options = server.Options("music");
  options.multipart_threshold = 64 << 10;
  options.part_size = 32 << 10;
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);
  const std::string large = Pattern(100'000, 5);
  EXPECT_EQ(store->Put("a/large", large).size, 100'000);  // multipart, each part retried
  EXPECT_EQ(store->Put("a/small", "small").size, 5);        // one streamed PUT, refused unread
  StreamSource stream(large);
  EXPECT_EQ(store->PutFrom("a/stream", stream).size, 100'000);
  EXPECT_EQ(store->Stat("a/small")->size, 5);
  EXPECT_EQ(ReadAll(*store->Open("a/large")), large);
  EXPECT_EQ(store->List("a/", "", 10).blobs.size(), 3u);
  store->Remove("a/small");
  store->RemovePrefix("a/");
  EXPECT_TRUE(store->List("", "", 10).blobs.empty());
}

TEST(S3BlobStoreTest, AServerThatKeepsFailingIsUnavailableAfterTheAttempts) {
  S3rverProcess server({"music"}, /*fail_every=*/1);  // every request fails
  S3Options options = server.Options("music");
  options.max_attempts = 3;
  Error error = ErrorFrom([&] { OpenS3BlobStore(options); });
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  const std::string message = error.what();
  EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
}

TEST(S3BlobStoreTest, AMissingBucketFailsAtOpenWithAClearMessage) {
  S3rverProcess server({"music"});
  Error error = ErrorFrom([&] { OpenS3BlobStore(server.Options("nosuchbucket")); });
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(std::string(error.what()),
            "bucket nosuchbucket does not exist at " + server.endpoint());
}

TEST(S3BlobStoreTest, RefusedCredentialsFailAtOpenWithoutTheSecret) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.access_key_id = "NOT-A-KEY";
  options.secret_access_key = "very-secret-value";
  Error error = ErrorFrom([&] { OpenS3BlobStore(options); });
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  const std::string message = error.what();
  EXPECT_NE(message.find("the S3 credentials were refused"), std::string::npos) << message;
  EXPECT_NE(message.find("NOT-A-KEY"), std::string::npos) << message;
  EXPECT_EQ(message.find("very-secret-value"), std::string::npos) << message;
}

TEST(S3BlobStoreTest, AStoppedServerIsUnavailableAfterBoundedRetries) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.max_attempts = 2;
  options.timeout = std::chrono::milliseconds(2000);
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);
  store->Put("k", "bytes");
  std::unique_ptr<BlobReader> reader = store->Open("k");
  server.Stop();

  Error stat = ErrorFrom([&] { store->Stat("k"); });
  EXPECT_EQ(stat.code(), ErrorCode::kUnavailable);
  EXPECT_NE(std::string(stat.what()).find("after 2 attempts"), std::string::npos) << stat.what();
  EXPECT_EQ(ErrorFrom([&] { store->Put("k", "new"); }).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorFrom([&] { store->List("", "", 10); }).code(), ErrorCode::kUnavailable);
  char buffer[5];
  EXPECT_EQ(ErrorFrom([&] { reader->ReadAt(0, buffer, 5); }).code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(store->Healthy());
  Error open = ErrorFrom([&] { OpenS3BlobStore(options); });
  EXPECT_EQ(open.code(), ErrorCode::kUnavailable);
  EXPECT_NE(std::string(open.what()).find("cannot reach the S3 endpoint " + server.endpoint()),
            std::string::npos)
      << open.what();
}

TEST(S3BlobStoreTest, AReaderNeverMixesVersions) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(server.Options("music"));
  store->Put("k", "first version");
  std::unique_ptr<BlobReader> reader = store->Open("k");
  store->Put("k", "second version, longer");
  char buffer[13];
  Error error = ErrorFrom([&] { reader->ReadAt(0, buffer, sizeof buffer); });
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_NE(std::string(error.what()).find("replaced"), std::string::npos) << error.what();
}

TEST(S3BlobStoreTest, AReaderOutlivesItsStore) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(server.Options("music"));
  store->Put("k", "kept bytes");
  std::unique_ptr<BlobReader> reader = store->Open("k");
  store.reset();
  EXPECT_EQ(ReadAll(*reader), "kept bytes");
}

TEST(S3BlobStoreTest, KeysLiveUnderTheStorePrefix) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> prefixed = OpenS3BlobStore(server.Options("music", "cadenza/prod"));
  std::unique_ptr<BlobStore> whole = OpenS3BlobStore(server.Options("music"));
  prefixed->Put("covers/a.jpg", "a");
  whole->Put("covers/b.jpg", "b");
  BlobListing listing = prefixed->List("covers/", "", 10);
  ASSERT_EQ(listing.blobs.size(), 1u);
  EXPECT_EQ(listing.blobs[0].key, "covers/a.jpg");
  EXPECT_TRUE(whole->Stat("cadenza/prod/covers/a.jpg").has_value());
  EXPECT_FALSE(prefixed->Stat("covers/b.jpg").has_value());
}

TEST(S3BlobStoreTest, RemovesAPrefixOfMoreThanOneDeleteBatch) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(server.Options("music"));
  for (int i = 0; i < 1003; ++i) store->Put("renditions/t/" + std::to_string(i), "x");
  store->Put("renditions/u", "kept");
  store->RemovePrefix("renditions/t/");
  BlobListing left = store->List("", "", 100);
  ASSERT_EQ(left.blobs.size(), 1u);
  EXPECT_EQ(left.blobs[0].key, "renditions/u");
}

TEST(S3BlobStoreTest, RefusesOptionsThatCannotWork) {
  S3rverProcess server({"music"});
  auto code_of = [](const S3Options& options) {
    return ErrorFrom([&] { OpenS3BlobStore(options); }).code();
  };
  S3Options options = server.Options("music", "/lead");
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = server.Options("music");
  options.endpoint = "ftp://127.0.0.1";
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = server.Options("music");
  options.max_grant_lifetime = std::chrono::seconds(604801);
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
  options = server.Options("music");
  options.secret_access_key.clear();
  EXPECT_EQ(code_of(options), ErrorCode::kInvalidArgument);
}

// A plain libcurl client, as a browser or app would use a grant: no signing of its own.
struct CurlResult {
  long status = 0;
  std::string body;
  std::string headers;  // the response's header lines as received
};

CurlResult CurlRequest(const std::string& method, const std::string& url, const std::string& body) {
  CurlResult result;
  CURL* curl = curl_easy_init();
  std::string_view pending = body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                   +[](char* data, std::size_t size, std::size_t count, void* user) {
                     static_cast<std::string*>(user)->append(data, size * count);
                     return size * count;
                   });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION,
                   +[](char* data, std::size_t size, std::size_t count, void* user) {
                     static_cast<std::string*>(user)->append(data, size * count);
                     return size * count;
                   });
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  if (method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION,
                     +[](char* out, std::size_t size, std::size_t count, void* user) {
                       auto* rest = static_cast<std::string_view*>(user);
                       std::size_t n = rest->copy(out, size * count);
                       rest->remove_prefix(n);
                       return n;
                     });
    curl_easy_setopt(curl, CURLOPT_READDATA, &pending);
  }
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_cleanup(curl);
  return result;
}

TEST(S3BlobStoreTest, PresignedGrantsWorkWithAPlainHttpClient) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(server.Options("music", "lib"));
  SystemClock clock;
  BlobGrantRequest write;
  write.access = BlobAccess::kWrite;
  write.key = "originals/upload-1";
  write.expires_at = clock.Now() + 600'000;
  write.max_bytes = 1 << 20;
  BlobGrant put = store->Grant(write);
  EXPECT_EQ(put.url.rfind(server.endpoint() + "/music/lib/originals/upload-1?", 0), 0u) << put.url;
  EXPECT_NE(put.url.find("X-Amz-Expires=600"), std::string::npos) << put.url;

  const std::string body = Pattern(123'457, 4);
  EXPECT_EQ(CurlRequest("PUT", put.url, body).status, 200);
  std::optional<BlobInfo> stored = store->Stat("originals/upload-1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->size, 123'457);

  BlobGrantRequest read = write;
  read.access = BlobAccess::kRead;
  read.max_bytes = 0;
  CurlResult got = CurlRequest("GET", store->Grant(read).url, "");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, body);
}

// The bucket answers clients itself, so a read grant carries the type and caching of what it
// serves: without them a bucket labels segments and covers binary/octet-stream, uncacheable.
TEST(S3BlobStoreTest, ReadGrantsCarryTheContentTypeAndCacheControlOfTheirAnswer) {
  S3rverProcess server({"music"});
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(server.Options("music"));
  store->Put("renditions/t/1/aac_96/seg-00000.m4s", "segment bytes");
  SystemClock clock;
  BlobGrantRequest read;
  read.key = "renditions/t/1/aac_96/seg-00000.m4s";
  read.expires_at = clock.Now() + 600'000;
  CurlResult plain = CurlRequest("GET", store->Grant(read).url, "");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.find("immutable"), std::string::npos) << plain.headers;

  read.content_type = "audio/mp4";
  read.cache_control = "private, max-age=31536000, immutable";
  BlobGrant grant = store->Grant(read);
  CurlResult got = CurlRequest("GET", grant.url, "");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "segment bytes");
  std::string headers = got.headers;
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(headers.find("\ncontent-type: audio/mp4\r\n"), std::string::npos) << got.headers;
  EXPECT_NE(headers.find("\ncache-control: private, max-age=31536000, immutable\r\n"),
            std::string::npos)
      << got.headers;
  EXPECT_EQ(store->Grant(read).url, grant.url) << "still one URL per period, for edge caches";

  // A write grant has no answer to describe.
  read.access = BlobAccess::kWrite;
  read.max_bytes = 100;
  EXPECT_EQ(store->Grant(read).url.find("response-"), std::string::npos);
}

TEST(S3BlobStoreTest, GrantsAreCappedAtTheLongestLifetime) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.max_grant_lifetime = std::chrono::seconds(3600);
  options.read_grant_period = std::chrono::seconds(0);
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);
  SystemClock clock;
  BlobGrantRequest read;
  read.key = "a";
  read.expires_at = clock.Now() + 30LL * 24 * 3600 * 1000;
  const Timestamp before = clock.Now();
  BlobGrant grant = store->Grant(read);
  EXPECT_NE(grant.url.find("X-Amz-Expires=3600&"), std::string::npos) << grant.url;
  EXPECT_LE(grant.expires_at, clock.Now() + 3600 * 1000);
  EXPECT_GE(grant.expires_at, before - 1000 + 3600 * 1000);
}

// Listeners who start a track within one period get byte-identical URLs, so an edge cache
// keyed on the whole URL serves them all from one fetch; the expiry never falls short.
TEST(S3BlobStoreTest, ReadGrantsWithinOnePeriodAreIdenticalAndNameThePublicEndpoint) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  options.public_endpoint = "https://edge.example.org:8443";
  options.read_grant_period = std::chrono::seconds(3600);
  const Timestamp period_start = 1'800'000'000'000 - 1'800'000'000'000 % 3'600'000;
  test_support::ManualClock clock(period_start + 60'000);
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options, clock);
  auto grant_for_six_hours = [&] {
    BlobGrantRequest read;
    read.key = "renditions/t1/j-1/aac_160/seg-00001.m4s";
    read.expires_at = clock.Now() + 6 * 3'600'000;
    BlobGrant grant = store->Grant(read);
    EXPECT_GE(grant.expires_at, read.expires_at);
    EXPECT_LE(grant.expires_at, read.expires_at + 3'600'000);
    return grant.url;
  };
  const std::string first = grant_for_six_hours();
  EXPECT_EQ(first.rfind("https://edge.example.org:8443/music/renditions/t1/j-1/aac_160/seg-00001.m4s?", 0), 0u)
      << first;
  clock.Advance(std::chrono::minutes(50));
  EXPECT_EQ(grant_for_six_hours(), first) << "same period, same URL";
  clock.Advance(std::chrono::minutes(10));
  EXPECT_NE(grant_for_six_hours(), first) << "a new period signs anew";

  BlobGrantRequest write;
  write.access = BlobAccess::kWrite;
  write.key = "originals/u1";
  write.expires_at = clock.Now() + 600'000;
  write.max_bytes = 100;
  EXPECT_NE(store->Grant(write).url.find("X-Amz-Expires=600&"), std::string::npos)
      << "upload URLs are signed at the moment, for exactly their lifetime";
}

TEST(S3BlobStoreTest, VirtualHostStyleAddressesTheBucketByName) {
  S3rverProcess server({"music"});
  S3Options options = server.Options("music");
  // s3rver takes "<bucket>.s3.localhost" as the bucket's host; curl resolves *.localhost to
  // the loopback address itself.
  options.endpoint = "http://s3.localhost:" + std::to_string(server.port());
  options.path_style = false;
  std::unique_ptr<BlobStore> store = OpenS3BlobStore(options);
  store->Put("hosted/key", "by host");
  EXPECT_EQ(ReadAll(*store->Open("hosted/key")), "by host");
  std::unique_ptr<BlobStore> path_style = OpenS3BlobStore(server.Options("music"));
  EXPECT_EQ(ReadAll(*path_style->Open("hosted/key")), "by host");
}

}  // namespace
}  // namespace cadenza
