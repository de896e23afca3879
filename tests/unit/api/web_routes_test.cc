// The web app's routes: which paths fall back to index.html, cache lifetimes, security headers,
// and the table embedded at build time.
#include "api/web_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/embedded_web_app.h"
#include "ports/crypto.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::api {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIndexHtml = "<!doctype html><script type=module src=/assets/app-1a.js></script>";
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

void Write(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

std::string Header(const http::Response& response, std::string_view name) {
  for (const auto& [field, value] : response.headers) {
    if (field == name) return value;
  }
  return "<none>";
}

std::string Body(const http::Response& response) {
  if (!response.stream) return response.body;
  std::string body(static_cast<std::size_t>(response.stream->size()), '\0');
  if (!body.empty()) body.resize(response.stream->ReadAt(0, body.data(), body.size()));
  return body;
}

// What the server would answer: the matched handler's response, or the 404/405 the
// connection sends when nothing matches.
http::Response Answer(const http::Router& router, std::string method, std::string path,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request request;
  request.method = method;
  request.target = path;
  request.path = path;
  request.headers = std::move(headers);
  const auto match = router.Find(method, path, request);
  if (match.route) return match.route->handler(request);
  return http::Response::Problem(match.allowed_methods.empty() ? 404 : 405, "no route");
}

class WebRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(dir_.path() / "index.html", kIndexHtml);
    Write(dir_.path() / "favicon.svg", "<svg/>");
    Write(dir_.path() / "assets/app-1a.js", "export {};");
    Write(dir_.path() / "assets/app-1a.js.br", "BR");
    router_.AddPublic("GET", "/api/v1/items", [](http::Request&) {
      return http::Response::Text(200, "items");
    });
    app_ = http::StaticAssets::LoadFolder(dir_.path(), crypto::Sha256Hex);
    RegisterWebRoutes(router_, app_);
  }

  test_support::TempDir dir_;
  http::Router router_;
  std::shared_ptr<const http::StaticAssets> app_;
};

TEST(IsClientRouteTest, PathsWithoutADotOutsideTheServersPrefixes) {
  EXPECT_TRUE(IsClientRoute("/"));
  EXPECT_TRUE(IsClientRoute("/albums/0190a1b2-c3d4"));
  EXPECT_TRUE(IsClientRoute("/studio/albums/x/"));
  EXPECT_TRUE(IsClientRoute("/v1.2/search"));  // only the last segment counts
  EXPECT_TRUE(IsClientRoute("/apis"));
  EXPECT_TRUE(IsClientRoute("/healthzz"));
  EXPECT_FALSE(IsClientRoute("/nope.js"));
  EXPECT_FALSE(IsClientRoute("/albums/cover.jpg"));
  for (const char* server : {"/api", "/api/v1/nope", "/media/t/x", "/blobs/k", "/covers/a/b",
                             "/healthz", "/healthz/x", "/readyz"}) {
    EXPECT_FALSE(IsClientRoute(server)) << server;
  }
}

TEST_F(WebRoutesTest, HashedAssetsAreImmutableEverythingElseRevalidated) {
  EXPECT_EQ(WebServeOptions(*app_->Find("assets/app-1a.js")).cache_control,
            "public, max-age=31536000, immutable");
  EXPECT_EQ(WebServeOptions(*app_->Find("favicon.svg")).cache_control, "no-cache");
  EXPECT_EQ(WebServeOptions(*app_->Find("index.html")).cache_control, "no-cache");
}

TEST_F(WebRoutesTest, RootIsIndexHtmlWithItsPolicy) {
  http::Response root = Answer(router_, "GET", "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(Body(root), kIndexHtml);
  EXPECT_EQ(Header(root, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(Header(root, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(root, "Content-Security-Policy"), kCsp);
  EXPECT_EQ(Header(root, "Referrer-Policy"), "same-origin");
  EXPECT_EQ(Header(root, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(kWebContentSecurityPolicy, kCsp);
}

TEST(WebContentSecurityPolicyTest, AStoreServingClientsIsAllowedForImagesMediaAndFetches) {
  EXPECT_EQ(WebContentSecurityPolicy(""), kWebContentSecurityPolicy);
  const std::string policy = WebContentSecurityPolicy("https://media.s3.example.org:9000");
  EXPECT_NE(policy.find("img-src 'self' https://media.s3.example.org:9000 data: blob:;"), std::string::npos) << policy;
  EXPECT_NE(policy.find("media-src 'self' https://media.s3.example.org:9000 blob:;"), std::string::npos) << policy;
  EXPECT_NE(policy.find("connect-src 'self' https://media.s3.example.org:9000;"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << "scripts stay same-origin: " << policy;
}

TEST_F(WebRoutesTest, ClientRoutesFallBackToIndexHtml) {
  for (const char* path : {"/albums/123", "/studio/albums/9", "/login", "/assets/sub", "/x/"}) {
    http::Response page = Answer(router_, "GET", path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(Body(page), kIndexHtml) << path;
    EXPECT_EQ(Header(page, "Content-Security-Policy"), kCsp) << path;
    EXPECT_EQ(Header(page, "Cache-Control"), "no-cache") << path;
  }
  EXPECT_EQ(Answer(router_, "HEAD", "/albums/123").status, 200);
}

TEST_F(WebRoutesTest, FilesAreServedByPath) {
  http::Response js = Answer(router_, "GET", "/assets/app-1a.js", {{"accept-encoding", "br"}});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(Body(js), "BR");
  EXPECT_EQ(Header(js, "Content-Encoding"), "br");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(js, "Content-Security-Policy"), "<none>");
  http::Response icon = Answer(router_, "GET", "/favicon.svg");
  EXPECT_EQ(Header(icon, "Content-Type"), "image/svg+xml");
  EXPECT_EQ(Header(icon, "Cache-Control"), "no-cache");
  // index.html by its own name is the same document, with the same policy.
  EXPECT_EQ(Header(Answer(router_, "GET", "/index.html"), "Content-Security-Policy"), kCsp);
}

TEST_F(WebRoutesTest, UnknownFilesAndServerPathsStayProblems) {
  for (const char* path : {"/nope.js", "/assets/app-2b.js", "/albums/x/cover.jpg",
                           "/api/v1/nope", "/api", "/media/x", "/healthz/x"}) {
    http::Response response = Answer(router_, "GET", path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(Header(response, "Content-Type"), "application/problem+json") << path;
  }
  EXPECT_EQ(Answer(router_, "POST", "/api/v1/nope").status, 404);
  EXPECT_EQ(Answer(router_, "POST", "/albums/1").status, 405);
  EXPECT_EQ(Answer(router_, "DELETE", "/").status, 405);
  EXPECT_EQ(Body(Answer(router_, "GET", "/api/v1/items")), "items");
}

TEST_F(WebRoutesTest, RevalidationPerVariant) {
  const http::StaticFile& js = *app_->Find("assets/app-1a.js");
  EXPECT_EQ(Answer(router_, "GET", "/assets/app-1a.js",
                   {{"accept-encoding", "br"}, {"if-none-match", js.brotli->etag}})
                .status,
            304);
  EXPECT_EQ(Answer(router_, "GET", "/assets/app-1a.js", {{"if-none-match", js.brotli->etag}})
                .status,
            200);
  http::Response index = Answer(router_, "GET", "/albums/1",
                                {{"if-none-match", app_->Find("index.html")->identity.etag}});
  EXPECT_EQ(index.status, 304);
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
}

TEST(WebRoutesWithoutAppTest, RootSaysTheBuildHasNoWebApp) {
  http::Router router;
  test_support::TempDir empty;
  RegisterWebRoutes(router, http::StaticAssets::LoadFolder(empty.path(), crypto::Sha256Hex));
  http::Response root = Answer(router, "GET", "/");
  EXPECT_EQ(root.status, 404);
  EXPECT_EQ(Header(root, "Content-Type"), "application/problem+json");
  EXPECT_NE(root.body.find("web_dir"), std::string::npos);
  EXPECT_EQ(Answer(router, "GET", "/albums/1").status, 404);
}

// The table generated at build time: the ETags CMake computed are the SHA-256 of the bytes
// embedded next to them, and every file is served.
TEST(EmbeddedWebAppTest, TableMatchesItsBytes) {
  const auto files = app::EmbeddedWebApp();
  if (files.empty()) GTEST_SKIP() << "built without the web app (CADENZA_WEB=OFF)";
  bool has_index = false;
  for (const http::EmbeddedFile& file : files) {
    SCOPED_TRACE(file.path);
    EXPECT_EQ(crypto::Sha256Hex(std::string_view(file.identity, file.identity_size)), file.sha256_hex);
    EXPECT_FALSE(std::string_view(file.path).starts_with('/'));
    if (file.brotli) EXPECT_LT(file.brotli_size, file.identity_size);
    if (file.gzip) {
      EXPECT_LT(file.gzip_size, file.identity_size);
      ASSERT_GE(file.gzip_size, 2u);
      EXPECT_EQ(static_cast<unsigned char>(file.gzip[0]), 0x1f);  // the gzip magic
      EXPECT_EQ(static_cast<unsigned char>(file.gzip[1]), 0x8b);
    }
    has_index = has_index || std::string_view(file.path) == "index.html";
  }
  EXPECT_TRUE(has_index);
}

}  // namespace
}  // namespace cadenza::api
