#pragma once
// The media endpoint players talk to, and the JSON of the stream URLs that lead there.
#include <boost/json/object.hpp>

#include "http/router.h"

namespace cadenza {
class MediaDelivery;
struct StreamUrls;
}  // namespace cadenza

namespace cadenza::api {

// GET|HEAD /media/{token}/{trackId}/{rest...}: manifests, init and media segments and
// progressive files (see MediaDelivery::Serve). No Authorization header: the media token in
// the path is the credential, so relative URLs inside the manifests stay authorised. Every
// body is streamed, so single byte ranges work on all of them. Immutable files carry an ETag
// and answer a matching If-None-Match with 304. `Access-Control-Allow-Origin: *` lets web
// players on other origins fetch them (the token, not a cookie, grants access).
void RegisterMediaRoutes(http::Router& router, MediaDelivery& media);

// The body of GET /api/v1/tracks/{id}/stream: {trackUrl (the HLS master, the adaptive
// default), albumId, title, expiresAt, hls, dash, progressive: {"mp3_96": url, ...},
// loudness: {integratedLufs, truePeakDb, gainDb} or null when it was not measured}, with
// `base` (see PublicBase) in front of the root-relative URLs the service issued.
boost::json::object StreamUrlsJson(const StreamUrls& urls, std::string_view base);

}  // namespace cadenza::api
