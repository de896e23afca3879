#include "api/media_routes.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "api/blob_body_source.h"
#include "api/common.h"
#include "api/entity_tag.h"
#include "http/conditional.h"
#include "http/response.h"
#include "services/media_delivery.h"

namespace cadenza::api {

namespace {

// Manifests are small, but streaming them lets the server apply Range to them too.
class StringBodySource final : public http::BodySource {
 public:
  explicit StringBodySource(std::string text) : text_(std::move(text)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(text_.size()); }
  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    if (offset < 0 || offset >= size()) return 0;
    std::size_t count = std::min(n, text_.size() - static_cast<std::size_t>(offset));
    text_.copy(out, count, static_cast<std::size_t>(offset));
    return count;
  }

 private:
  std::string text_;
};

// Blob-backed files name bytes that never change; manifests change when the track is
// reprocessed, so they are kept briefly.
constexpr std::string_view kImmutableCache = "private, max-age=31536000, immutable";
constexpr std::string_view kManifestCache = "private, max-age=60";

// The pre-signed URL carries its own expiry, so the redirect itself is never stored.
constexpr std::string_view kRedirectCache = "private, no-store";

http::Response ServeMedia(const http::Request& request, MediaDelivery& media) {
  std::string track_id = PathId(request, "trackId");
  MediaFile file = media.Serve(request.Param("token"), track_id, request.Param("rest"));

  http::Response response;
  if (file.kind == MediaFileKind::kRedirect) {
    // A player holding a manifest from before the store served clients directly, or one
    // that asked for a progressive file by its /media name: send it to the store.
    response.status = 302;
    response.SetHeader("Location", file.grant.url);
    response.SetHeader("Cache-Control", std::string(kRedirectCache));
    response.SetHeader("Access-Control-Allow-Origin", "*");
    return response;
  }
  response.SetHeader("Cache-Control",
                     std::string(file.immutable ? kImmutableCache : kManifestCache));
  response.SetHeader("Access-Control-Allow-Origin", "*");
  if (file.immutable) {
    const std::string etag = BlobEntityTag(file.blob_key, file.size);
    response.SetHeader("ETag", etag);
    if (http::NotModified(request, etag)) {
      response.status = 304;
      return response;
    }
  }
  response.status = 200;
  response.SetHeader("Content-Type", file.content_type);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  if (file.kind == MediaFileKind::kBlob) {
    response.stream = std::make_shared<BlobBodySource>(std::move(file.reader));
  } else {
    response.stream = std::make_shared<StringBodySource>(std::move(file.body));
  }
  return response;
}

}  // namespace

void RegisterMediaRoutes(http::Router& router, MediaDelivery& media) {
  router.AddPublic("GET", "/media/{token}/{trackId}/{rest...}",
             [&media](http::Request& request) { return ServeMedia(request, media); });
}

std::string MediaFilePath(std::string_view token, std::string_view track_id,
                          std::string_view file) {
  std::string path(kMediaPathPrefix);
  path.append(token).append("/").append(track_id).append("/").append(file);
  return path;
}

}  // namespace cadenza::api
