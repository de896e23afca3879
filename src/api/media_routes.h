#pragma once
// The media endpoint players talk to.
#include <string>
#include <string_view>

#include "http/router.h"

namespace cadenza {
class MediaDelivery;
}  // namespace cadenza

namespace cadenza::api {

// GET|HEAD /media/{token}/{trackId}/{rest...}: manifests, init and media segments and
// progressive files (see MediaDelivery::Serve). No Authorization header: the media token in
// the path is the credential, so relative URLs inside the manifests stay authorised. Every
// body is streamed, so single byte ranges work on all of them. Blob-backed files are
// immutable ("private, max-age=31536000, immutable": private, since the URL is a per-user
// grant), carry an opaque ETag and answer a matching If-None-Match with 304; manifests are
// regenerated on every request and cached for a minute ("private, max-age=60").
// `Access-Control-Allow-Origin: *` lets web players on other origins fetch them (the token,
// not a cookie, grants access). With a store that serves clients directly, a blob-backed file
// answers 302 to the store's fresh pre-signed URL ("private, no-store") instead of its bytes.
void RegisterMediaRoutes(http::Router& router, MediaDelivery& media);

// Where media paths start; the path segment after it is a credential (kept out of logs).
inline constexpr std::string_view kMediaPathPrefix = "/media/";

// The root-relative URL of one of a track's media files under a media token:
// "/media/<token>/<trackId>/<file>", where `file` is a name MediaDelivery::Serve takes.
std::string MediaFilePath(std::string_view token, std::string_view track_id, std::string_view file);

}  // namespace cadenza::api
