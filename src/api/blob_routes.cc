#include "api/blob_routes.h"

#include <algorithm>
#include <any>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "api/blob_body_source.h"
#include "api/dto.h"
#include "api/public_base.h"
#include "domain/error.h"
#include "http/response.h"
#include "services/local_blob_endpoint.h"

namespace cadenza::api {

namespace {

// The blob key of a /blobs request: the route's {key...} part, or the path past "/blobs/".
std::string BlobKeyOf(const http::Request& request) {
  if (auto it = request.path_params.find("key"); it != request.path_params.end()) {
    return it->second;
  }
  std::string_view path = request.path;
  if (!path.starts_with(kBlobRoutePrefix)) throw NotFound("blob not found");
  return std::string(path.substr(kBlobRoutePrefix.size()));
}

http::Response PutBlob(http::Request& request, LocalBlobEndpoint& endpoint,
                       const PublicBase& base) {
  // Checked by before_body, before a single body byte was read.
  const auto* grant = std::any_cast<SignedGrant>(&request.admission);
  if (grant == nullptr) throw std::logic_error("PUT /blobs without a checked grant");
  if (!request.body_file) throw Error(ErrorCode::kInvalidArgument, "the upload is empty");
  StoredUpload stored = endpoint.StoreUpload(*grant, *request.body_file);
  http::Response response = http::Response::Json(200, ToJson(stored, base.For(request)));
  response.SetHeader("ETag", EntityTag(stored.version));
  return response;
}

http::Response GetBlob(http::Request& request, LocalBlobEndpoint& endpoint) {
  // HEAD is answered by the GET route and shares GET's signature.
  SignedGrant grant = endpoint.Verify(BlobAccess::kRead, BlobKeyOf(request), request.query);
  BlobDownload blob = endpoint.Open(grant);
  const std::int64_t max_age = std::max<std::int64_t>(0, (blob.expires_at - blob.opened_at) / 1000);
  http::Response response;
  response.status = 200;
  response.stream = std::make_shared<BlobBodySource>(std::move(blob.reader));
  response.SetHeader("Content-Type", blob.content_type);
  // The bytes came from a client: browsers must not guess a more dangerous type.
  response.SetHeader("X-Content-Type-Options", "nosniff");
  // Private: the URL is a per-user grant. Caching ends when the grant does.
  response.SetHeader("Cache-Control", "private, max-age=" + std::to_string(max_age));
  return response;
}

}  // namespace

void RegisterBlobRoutes(http::Router& router, LocalBlobEndpoint& endpoint, const PublicBase& base,
                        const std::filesystem::path& spool_dir) {
  http::RouteOptions put_options;
  put_options.spool_body = true;
  put_options.spool_dir = spool_dir.string();
  put_options.max_body_bytes = endpoint.max_upload_bytes();
  // Refuses unsigned, expired or altered URLs before a single body byte is read, holds the
  // body to the limit the URL was signed with, and hands the grant to the handler.
  put_options.before_body = [&endpoint](const http::Request& head, std::int64_t& max_body_bytes) {
    SignedGrant grant = endpoint.Verify(BlobAccess::kWrite, BlobKeyOf(head), head.query);
    if (grant.max_bytes > 0) max_body_bytes = std::min(max_body_bytes, grant.max_bytes);
    return std::any(std::move(grant));
  };
  router.AddPublic(
      "PUT", "/blobs/{key...}",
      [&endpoint, &base](http::Request& request) { return PutBlob(request, endpoint, base); },
      std::move(put_options));
  router.AddPublic("GET", "/blobs/{key...}",
                   [&endpoint](http::Request& request) { return GetBlob(request, endpoint); });
}

}  // namespace cadenza::api
