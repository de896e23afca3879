#pragma once
// Public album cover art.
#include "http/router.h"
#include "ports/blob_store.h"

namespace cadenza::api {

// GET|HEAD /covers/{albumId}/{version}/{file}: one stored size of a cover version, where file
// is "<size>.jpg" for a size of kCoverSizes (domain/cover.h); anything else is 404, so no
// request can make the server produce an image. No authentication: cover art is public, like
// album art on a store page. A version's blobs never change (a new cover is a new version), so
// responses are cacheable forever, carry an ETag and honour If-None-Match and Range.
void RegisterCoverRoutes(http::Router& router, BlobStore& blobs);

}  // namespace cadenza::api
