#pragma once
// Public album cover art.
#include "http/router.h"

namespace cadenza {
class CatalogService;
}  // namespace cadenza

namespace cadenza::api {

// GET|HEAD /covers/{albumId}/{version}/{file}: one stored size of the album's current cover
// version (CatalogService::OpenCover), where file is "<size>.jpg"; anything else is 404, so no
// request can make the server produce an image. No authentication: cover art is public, like
// album art on a store page. A version's blobs never change (a new cover is a new version), so
// responses are cacheable forever ("public, max-age=31536000, immutable"), carry an opaque
// ETag and honour If-None-Match and Range. With a store that serves clients directly, the
// same checks end in a 302 to the store's pre-signed URL ("public, max-age=60"): no cover
// byte passes through Cadenza.
void RegisterCoverRoutes(http::Router& router, CatalogService& catalog);

}  // namespace cadenza::api
