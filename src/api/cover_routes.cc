#include "api/cover_routes.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/blob_body_source.h"
#include "api/common.h"
#include "api/entity_tag.h"
#include "domain/error.h"
#include "http/conditional.h"
#include "http/response.h"
#include "services/catalog_service.h"

namespace cadenza::api {

namespace {

// The size "<size>.jpg" names (digits without a leading zero, so each size has one URL);
// nullopt for any other file name.
std::optional<int> CoverFileSize(std::string_view file) {
  constexpr std::string_view kSuffix = ".jpg";
  if (!file.ends_with(kSuffix)) return std::nullopt;
  std::string_view digits = file.substr(0, file.size() - kSuffix.size());
  int size = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.starts_with('0')) {
    return std::nullopt;
  }
  return size;
}

http::Response ServeCover(const http::Request& request, CatalogService& catalog) {
  std::string album_id = PathId(request, "albumId");
  std::string version = PathId(request, "version");
  std::optional<int> size = CoverFileSize(request.Param("file"));
  if (!size) throw NotFound("no such cover size");
  CoverFile cover = catalog.OpenCover(album_id, version, *size);

  http::Response response;
  if (cover.direct) {
    // The store serves the bytes. The redirect may be kept a minute, far less than the
    // kCoverGrantTtl its URL lasts, so no cache hands out an expired URL.
    response.status = 302;
    response.SetHeader("Location", cover.direct->url);
    response.SetHeader("Cache-Control", "public, max-age=60");
    response.SetHeader("Access-Control-Allow-Origin", "*");
    return response;
  }
  const std::string etag = BlobEntityTag(cover.blob_key, cover.size);
  response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  response.SetHeader("ETag", etag);
  response.SetHeader("Access-Control-Allow-Origin", "*");
  if (http::NotModified(request, etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.SetHeader("Content-Type", cover.content_type);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.stream = std::make_shared<BlobBodySource>(std::move(cover.reader));
  return response;
}

}  // namespace

void RegisterCoverRoutes(http::Router& router, CatalogService& catalog) {
  router.AddPublic("GET", "/covers/{albumId}/{version}/{file}",
                   [&catalog](http::Request& request) { return ServeCover(request, catalog); });
}

}  // namespace cadenza::api
