#include "api/blob_routes.h"

#include <boost/json/object.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "api/blob_body_source.h"
#include "api/public_base.h"
#include "domain/error.h"
#include "http/response.h"
#include "services/track_service.h"

namespace cadenza::api {

namespace {

constexpr std::string_view kBlobsPrefix = "/blobs/";

// The blob key of a /blobs request: the route's {key...} part, or the path past "/blobs/".
std::string BlobKeyOf(const http::Request& request) {
  if (auto it = request.path_params.find("key"); it != request.path_params.end()) {
    return it->second;
  }
  std::string_view path = request.path;
  if (!path.starts_with(kBlobsPrefix)) throw NotFound("blob not found");
  return std::string(path.substr(kBlobsPrefix.size()));
}

http::Response PutBlob(http::Request& request, TrackService& tracks, const PublicBase& base) {
  std::string key = BlobKeyOf(request);
  if (!request.body_file) {
    // Nothing was spooled: the body was empty. Still verify first, so the answer to an
    // unsigned request never depends on the body.
    tracks.VerifyBlobUrl("PUT", key, request.query);
    throw Error(ErrorCode::kInvalidArgument, "the upload is empty");
  }
  SignedGrant grant;
  try {
    grant = tracks.VerifyBlobUrl("PUT", key, request.query);
  } catch (...) {
    // The handler owns the spooled file; a refused request must not leave it behind.
    std::error_code ignored;
    std::filesystem::remove(*request.body_file, ignored);
    throw;
  }
  StoredUpload stored = tracks.StoreUpload(key, grant, *request.body_file);
  http::Response response = http::Response::Json(
      200, boost::json::object{{"trackUrl", base.Absolute(request, stored.track_url)},
                               {"sizeBytes", stored.size_bytes}});
  response.SetHeader("ETag", stored.etag);
  return response;
}

http::Response GetBlob(http::Request& request, TrackService& tracks) {
  std::string key = BlobKeyOf(request);
  // HEAD is answered by the GET route and shares GET's signature.
  SignedGrant grant = tracks.VerifyBlobUrl("GET", key, request.query);
  BlobDownload blob = tracks.OpenBlob(key, grant);
  http::Response response;
  response.status = 200;
  response.stream = std::make_shared<BlobBodySource>(std::move(blob.reader));
  response.SetHeader("Content-Type", blob.content_type);
  // The bytes came from a client: browsers must not guess a more dangerous type.
  response.SetHeader("X-Content-Type-Options", "nosniff");
  // Private: the URL is a per-user grant. Caching ends when the signature does.
  response.SetHeader("Cache-Control",
                     "private, max-age=" + std::to_string(blob.max_age_seconds));
  return response;
}

}  // namespace

void RegisterBlobRoutes(http::Router& router, TrackService& tracks, const PublicBase& base) {
  http::RouteOptions put_options;
  put_options.spool_body = true;
  put_options.spool_dir = tracks.SpoolDirectory().string();
  put_options.max_body_bytes = tracks.max_upload_bytes();
  // Refuses unsigned, expired or altered URLs before a single body byte is read, and holds
  // the body to the limit the URL was signed with.
  put_options.before_body = [&tracks](const http::Request& head, std::int64_t& max_body_bytes) {
    SignedGrant grant = tracks.VerifyBlobUrl("PUT", BlobKeyOf(head), head.query);
    if (grant.max_bytes > 0) max_body_bytes = std::min(max_body_bytes, grant.max_bytes);
  };
  router.AddPublic(
      "PUT", "/blobs/{key...}",
      [&tracks, &base](http::Request& request) { return PutBlob(request, tracks, base); },
      std::move(put_options));
  router.AddPublic("GET", "/blobs/{key...}",
                   [&tracks](http::Request& request) { return GetBlob(request, tracks); });
}

}  // namespace cadenza::api
