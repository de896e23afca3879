#pragma once
// The signed /blobs endpoint on its own (RegisterTrackRoutes mounts it too), so a process
// serving only media can mount it without the /api/v1 track routes.
#include "http/router.h"

namespace cadenza {
class TrackService;
}

namespace cadenza::api {

// PUT /blobs/{key...}: a signed upload URL's body, spooled to disk, stored in the upload slot.
// GET|HEAD /blobs/{key...}: a signed stream URL's blob, with Range support from the server.
void RegisterBlobRoutes(http::Router& router, TrackService& tracks);

}  // namespace cadenza::api
