// The /media and /covers routes with a blob store that serves clients itself: blob-backed
// files answer 302 to the store's pre-signed URL, never their bytes; manifests are still
// generated here; the stream JSON hands out the store's progressive URLs.
#include <gtest/gtest.h>

#include <string>

#include "api/cover_routes.h"
#include "api/dto.h"
#include "api/media_routes.h"
#include "domain/cover.h"
#include "ports/image_processor.h"
#include "services/catalog_service.h"
#include "unit/services/direct_store_fixture.h"

namespace cadenza::api {
namespace {

using direct_testing::DirectStoreFixture;

std::string Header(const http::Response& response, std::string_view name) {
  for (const auto& [field, value] : response.headers) {
    if (field == name) return value;
  }
  return "<none>";
}

http::Response Get(const http::Router& router, const std::string& path) {
  http::Request request;
  request.method = "GET";
  request.target = path;
  request.path = path;
  const auto match = router.Find("GET", path, request);
  if (!match.route) return http::Response::Problem(404, "no route");
  return match.route->handler(request);
}

class UnusedImages final : public ImageProcessor {
 public:
  std::vector<CoverImage> MakeCovers(std::string_view, const ImageLimits&) override {
    throw std::logic_error("not expected");
  }
};

class DirectStoreRoutesTest : public DirectStoreFixture {
 protected:
  DirectStoreRoutesTest() : catalog_service_(*catalog_, blobs_, images_, ids_, clock_) {
    RegisterMediaRoutes(router_, delivery_);
    RegisterCoverRoutes(router_, catalog_service_);
    track_ = AddReadyTrack();
  }

  std::vector<Rendition> Renditions() {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.renditions().ListForTrack(track_.id); });
  }

  UnusedImages images_;
  CatalogService catalog_service_;
  http::Router router_;
  Track track_;
};

TEST_F(DirectStoreRoutesTest, SegmentsRedirectToTheStore) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  const std::vector<Rendition> renditions = Renditions();
  const Rendition* aac = nullptr;
  for (const Rendition& r : renditions) {
    if (RenditionName(r.spec) == "aac_96") aac = &r;
  }
  ASSERT_NE(aac, nullptr);
  http::Response response =
      Get(router_, MediaFilePath(grant.token, track_.id, "aac_96/seg-00001.m4s"));
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(Header(response, "Location"),
            MediaStoreUrl(aac->segments[1].blob_key, grant.expires_at));
  EXPECT_EQ(Header(response, "Cache-Control"), "private, no-store");
  EXPECT_EQ(Header(response, "ETag"), "<none>");
  EXPECT_FALSE(response.stream);
  EXPECT_TRUE(response.body.empty());

  http::Response init = Get(router_, MediaFilePath(grant.token, track_.id, "aac_96/init.mp4"));
  EXPECT_EQ(init.status, 302);
  EXPECT_EQ(Header(init, "Location"), MediaStoreUrl(aac->blob_key, grant.expires_at));
}

TEST_F(DirectStoreRoutesTest, ManifestsAreStillServedHere) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  http::Response response =
      Get(router_, MediaFilePath(grant.token, track_.id, "aac_96/playlist.m3u8"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Header(response, "Content-Type"), "application/vnd.apple.mpegurl");
  ASSERT_TRUE(response.stream);
  std::string body(static_cast<std::size_t>(response.stream->size()), '\0');
  body.resize(response.stream->ReadAt(0, body.data(), body.size()));
  EXPECT_NE(body.find("\n" + StoreOrigin() + "renditions/"), std::string::npos) << body;
}

TEST_F(DirectStoreRoutesTest, StreamJsonHandsOutTheStoresProgressiveUrls) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  boost::json::object body = StreamUrlsJson(grant, "http://cadenza.test");
  const boost::json::object& progressive = body.at("progressive").as_object();
  ASSERT_EQ(progressive.size(), 3u);
  EXPECT_EQ(progressive.at("mp3_160").as_string(), grant.progressive_direct[1].url);
  EXPECT_TRUE(progressive.at("mp3_160").as_string().starts_with(StoreOrigin()));
  // The manifests stay Cadenza's: they are generated and token-checked per request.
  EXPECT_EQ(body.at("hls").as_string(),
            "http://cadenza.test" + MediaFilePath(grant.token, track_.id, "master.m3u8"));
}

TEST_F(DirectStoreRoutesTest, CoversRedirectToTheStore) {
  const std::string version = ids_.Next();
  const std::string prefix = CoverPrefix(album_.id, version);
  catalog_->Write([&](CatalogTransaction& tx) {
    Album album = *tx.albums().FindById(album_.id);
    album.cover_key = prefix;
    album.cover_max_px = 600;
    tx.albums().Update(album);
  });
  http::Response response =
      Get(router_, "/covers/" + album_.id + "/" + version + "/600.jpg");
  EXPECT_EQ(response.status, 302);
  const Timestamp expiry =
      direct_testing::kStart + std::chrono::milliseconds(kCoverGrantTtl).count();
  EXPECT_EQ(Header(response, "Location"),
            StoreUrl(CoverKey(prefix, 600), expiry, "image/jpeg", direct_testing::kCoverCache));
  EXPECT_EQ(Header(response, "Cache-Control"), "public, max-age=60");
  EXPECT_FALSE(response.stream);
}

}  // namespace
}  // namespace cadenza::api
