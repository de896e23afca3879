#pragma once
// The web app (a single-page app built from web/): GET / and every client-side route answer
// its index.html, its other files are served by path. Hashed files under assets/ are cached
// for a year; everything else is revalidated on each use, so a new release shows at once.
#include <memory>
#include <string>
#include <string_view>

#include "http/router.h"
#include "http/static_assets.h"

namespace cadenza::api {

// The policy index.html carries: scripts and styles from this origin only (no inline script,
// no eval), media and workers from blob: for hls.js, never framed.
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// kWebContentSecurityPolicy, with `store_origin` ("https://bucket.example.org", empty for
// none) also allowed for images, media and fetches: a blob store that serves clients itself
// hands the app URLs there (uploads, segments, covers).
std::string WebContentSecurityPolicy(std::string_view store_origin);

// Mounts GET / and the router's fallback. `app` without an index.html (a binary built
// without the web app) makes GET / a 404 that says so, and mounts no fallback.
void RegisterWebRoutes(http::Router& router, const std::shared_ptr<const http::StaticAssets>& app,
                       std::string_view store_origin = {});

// Whether `path` (decoded) is under one of the server's own first segments (api, media,
// blobs, covers, healthz, readyz): never the web app's, even when no route matches.
bool IsServerPath(std::string_view path);

// Whether `path` (decoded, "/albums/x") is left to the app's client-side router: not under
// the server's own prefixes (/api, /media, /blobs, /covers, /healthz, /readyz) and with no
// '.' in its last segment (so a missing script is a 404, never an HTML page).
bool IsClientRoute(std::string_view path);

// Cache-Control and security headers for one of the app's files.
http::StaticServeOptions WebServeOptions(const http::StaticFile& file,
                                         std::string_view policy = kWebContentSecurityPolicy);

}  // namespace cadenza::api
