#pragma once
// The signed /blobs endpoint on its own (RegisterTrackRoutes mounts it too), so a process
// serving only media can mount it without the /api/v1 track routes.
#include "http/router.h"

namespace cadenza {
class TrackService;
}

namespace cadenza::api {

class PublicBase;

// PUT /blobs/{key...}: a signed upload URL's body, spooled to disk, stored in the upload slot.
// GET|HEAD /blobs/{key...}: a signed stream URL's blob, with Range support from the server.
// The trackUrl a PUT answers is absolute on `base`.
void RegisterBlobRoutes(http::Router& router, TrackService& tracks, const PublicBase& base);

}  // namespace cadenza::api
