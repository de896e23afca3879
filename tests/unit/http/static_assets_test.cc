// Static files from a folder or an embedded table: variants, ETags, 304s and headers.
#include "http/static_assets.h"

#include <gtest/gtest.h>

#include <functional>

#include <filesystem>
#include <fstream>
#include <string>

#include "unit/support/temp_dir.h"

namespace cadenza::http {
namespace {

namespace fs = std::filesystem;

// Stands in for the crypto port's SHA-256: the entity tags must carry whatever names the
// content, and this depends on every byte.
std::string Fingerprint(std::string_view bytes) {
  return "fp" + std::to_string(std::hash<std::string_view>{}(bytes));
}

void Write(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

std::string Header(const Response& response, std::string_view name) {
  for (const auto& [field, value] : response.headers) {
    if (field == name) return value;
  }
  return "<none>";
}

std::string Body(const Response& response) {
  if (!response.stream) return response.body;
  std::string body(static_cast<std::size_t>(response.stream->size()), '\0');
  std::size_t done = 0;
  while (done < body.size()) {
    const std::size_t got = response.stream->ReadAt(static_cast<std::int64_t>(done),
                                                    body.data() + done, body.size() - done);
    if (got == 0) break;
    done += got;
  }
  return body.substr(0, done);
}

Request Get(std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request request;
  request.method = "GET";
  request.headers = std::move(headers);
  return request;
}

// A folder shaped like a web build: the .gz/.br siblings hold stand-in bytes, which is
// all serving needs to tell the variants apart.
class StaticAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(dir_.path() / "index.html", "<!doctype html><title>app</title>");
    Write(dir_.path() / "assets/app-1a2b.js", "console.log('app');");
    Write(dir_.path() / "assets/app-1a2b.js.gz", "GZ-BYTES");
    Write(dir_.path() / "assets/app-1a2b.js.br", "BR-BYTES");
    Write(dir_.path() / "favicon.svg", "<svg/>");
    Write(dir_.path() / ".env", "SECRET=1");
    Write(dir_.path() / ".git/config", "[core]");
    Write(dir_.path() / "notes.gz", "a gzip file of its own");
  }

  test_support::TempDir dir_;
  StaticServeOptions options_{"no-cache", {{"X-Extra", "1"}}};
};

TEST_F(StaticAssetsTest, LoadsFilesWithTheirSiblingsAsVariants) {
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  EXPECT_EQ(assets->size(), 4u);  // index.html, app-1a2b.js, favicon.svg, notes.gz
  const StaticFile* js = assets->Find("assets/app-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  const std::string sha = Fingerprint("console.log('app');");
  EXPECT_EQ(js->identity.etag, "\"" + sha + "\"");
  ASSERT_TRUE(js->gzip && js->brotli);
  EXPECT_EQ(js->gzip->etag, "\"" + sha + "-gz\"");
  EXPECT_EQ(js->brotli->etag, "\"" + sha + "-br\"");
  EXPECT_EQ(js->brotli->bytes, "BR-BYTES");
  EXPECT_EQ(assets->Find("assets/app-1a2b.js.gz"), nullptr);
  EXPECT_FALSE(assets->Find("favicon.svg")->gzip.has_value());
  EXPECT_NE(assets->Find("notes.gz"), nullptr);  // no "notes" beside it: a file, not a variant
}

TEST_F(StaticAssetsTest, HiddenFilesAreNeverServed) {
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  EXPECT_EQ(assets->Find(".env"), nullptr);
  EXPECT_EQ(assets->Find(".git/config"), nullptr);
}

TEST_F(StaticAssetsTest, ASiblingOlderThanItsFileIsIgnored) {
  const fs::path br = dir_.path() / "assets/app-1a2b.js.br";
  fs::last_write_time(br, fs::last_write_time(dir_.path() / "assets/app-1a2b.js") -
                              std::chrono::hours(1));
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  EXPECT_FALSE(assets->Find("assets/app-1a2b.js")->brotli.has_value());
  EXPECT_TRUE(assets->Find("assets/app-1a2b.js")->gzip.has_value());
}

TEST_F(StaticAssetsTest, AMissingFolderIsRefused) {
  EXPECT_THROW(StaticAssets::LoadFolder(dir_.path() / "nope", Fingerprint), std::runtime_error);
  EXPECT_THROW(StaticAssets::LoadFolder(dir_.path() / "index.html", Fingerprint), std::runtime_error);
}

TEST_F(StaticAssetsTest, ServesTheNegotiatedVariantWithItsHeaders) {
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  const StaticFile& js = *assets->Find("assets/app-1a2b.js");

  Response br = assets->Serve(js, Get({{"accept-encoding", "gzip, br"}}), options_);
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(Header(br, "Content-Encoding"), "br");
  EXPECT_EQ(Header(br, "ETag"), js.brotli->etag);
  EXPECT_EQ(Header(br, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Header(br, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(br, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(br, "X-Extra"), "1");
  EXPECT_EQ(Body(br), "BR-BYTES");

  Response gz = assets->Serve(js, Get({{"accept-encoding", "gzip"}}), options_);
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(gz, "ETag"), js.gzip->etag);
  EXPECT_EQ(Body(gz), "GZ-BYTES");

  Response plain = assets->Serve(js, Get(), options_);
  EXPECT_EQ(Header(plain, "Content-Encoding"), "<none>");
  EXPECT_EQ(Header(plain, "ETag"), js.identity.etag);
  EXPECT_EQ(Header(plain, "Vary"), "Accept-Encoding");  // even unencoded
  EXPECT_EQ(Body(plain), "console.log('app');");
}

TEST_F(StaticAssetsTest, RepeatedAcceptEncodingFieldsAreOneList) {
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  const StaticFile& js = *assets->Find("assets/app-1a2b.js");
  Response response = assets->Serve(
      js, Get({{"accept-encoding", "gzip;q=0.5"}, {"accept-encoding", "br"}}), options_);
  EXPECT_EQ(Header(response, "Content-Encoding"), "br");
}

TEST_F(StaticAssetsTest, IfNoneMatchAnswers304ForTheSameVariantOnly) {
  auto assets = StaticAssets::LoadFolder(dir_.path(), Fingerprint);
  const StaticFile& js = *assets->Find("assets/app-1a2b.js");
  const std::string br_tag = js.brotli->etag;

  Response same = assets->Serve(
      js, Get({{"accept-encoding", "br"}, {"if-none-match", br_tag}}), options_);
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.stream, nullptr);
  EXPECT_EQ(Header(same, "ETag"), br_tag);
  EXPECT_EQ(Header(same, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(same, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Header(same, "X-Extra"), "<none>");  // representation headers stay on the 200

  // The brotli tag does not validate the gzip bytes a client now negotiates.
  Response other = assets->Serve(
      js, Get({{"accept-encoding", "gzip"}, {"if-none-match", br_tag}}), options_);
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(Header(other, "Content-Encoding"), "gzip");

  Response identity = assets->Serve(js, Get({{"if-none-match", js.identity.etag}}), options_);
  EXPECT_EQ(identity.status, 304);
  Response weak = assets->Serve(js, Get({{"if-none-match", "W/" + js.identity.etag}}), options_);
  EXPECT_EQ(weak.status, 304);
}

TEST(StaticAssetsEmbeddedTest, ReferencesTheTableBytesWithoutCopying) {
  static constexpr char kIndex[] = "<!doctype html>";
  static constexpr char kIndexGzip[] = "gz";
  static const EmbeddedFile kTable[] = {
      {"index.html", "0123abcd", kIndex, sizeof kIndex - 1, kIndexGzip, 2, nullptr, 0},
  };
  auto assets = StaticAssets::FromEmbedded(kTable);
  const StaticFile* index = assets->Find("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->identity.bytes.data(), kIndex);
  EXPECT_EQ(index->identity.bytes.size(), sizeof kIndex - 1);
  EXPECT_EQ(index->identity.etag, "\"0123abcd\"");
  ASSERT_TRUE(index->gzip.has_value());
  EXPECT_EQ(index->gzip->bytes.data(), kIndexGzip);
  EXPECT_FALSE(index->brotli.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");

  Response response = assets->Serve(*index, Get({{"accept-encoding", "br, gzip"}}), {});
  EXPECT_EQ(Header(response, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(response, "Cache-Control"), "<none>");
  EXPECT_EQ(Body(response), "gz");
}

TEST(StaticAssetsLifetimeTest, TheBodyKeepsTheAssetsAlive) {
  test_support::TempDir dir;
  Write(dir.path() / "a.txt", std::string(100'000, 'x'));
  Response response;
  {
    auto assets = StaticAssets::LoadFolder(dir.path(), Fingerprint);
    response = assets->Serve(*assets->Find("a.txt"), Get(), {});
  }  // only the response refers to the bytes now
  EXPECT_EQ(Body(response), std::string(100'000, 'x'));
}

}  // namespace
}  // namespace cadenza::http
