#include "api/cover_routes.h"

#include <charconv>
#include <memory>
#include <string>
#include <string_view>

#include "api/blob_body_source.h"
#include "api/common.h"
#include "domain/cover.h"
#include "domain/error.h"
#include "http/response.h"

namespace cadenza::api {

namespace {

// "<size>.jpg" for a size of kCoverSizes; 0 otherwise.
int CoverFileSize(std::string_view file) {
  constexpr std::string_view kSuffix = ".jpg";
  if (!file.ends_with(kSuffix)) return 0;
  std::string_view digits = file.substr(0, file.size() - kSuffix.size());
  int size = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.starts_with('0')) return 0;
  return IsCoverSize(size) ? size : 0;
}

bool NoneMatchHits(std::string_view header, std::string_view etag) {
  return header == "*" || header.find(etag) != std::string_view::npos;
}

http::Response ServeCover(const http::Request& request, BlobStore& blobs) {
  std::string album_id = PathId(request, "albumId");
  std::string version = PathId(request, "version");
  int size = CoverFileSize(request.Param("file"));
  if (size == 0) throw NotFound("no such cover size");
  std::unique_ptr<BlobReader> reader = blobs.Open(CoverKey(CoverPrefix(album_id, version), size));
  if (!reader) throw NotFound("cover not found");

  http::Response response;
  // The version id names the content: it never changes under this URL.
  const std::string etag = "\"" + version + "-" + std::to_string(size) + "\"";
  response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  response.SetHeader("ETag", etag);
  response.SetHeader("Access-Control-Allow-Origin", "*");
  if (NoneMatchHits(request.Header("if-none-match"), etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.SetHeader("Content-Type", "image/jpeg");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.stream = std::make_shared<BlobBodySource>(std::move(reader));
  return response;
}

}  // namespace

void RegisterCoverRoutes(http::Router& router, BlobStore& blobs) {
  router.AddPublic("GET", "/covers/{albumId}/{version}/{file}",
                   [&blobs](http::Request& request) { return ServeCover(request, blobs); });
}

}  // namespace cadenza::api
