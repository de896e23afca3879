#pragma once
// The signed /blobs endpoint: the URLs the local blob store hands out as its grants, served by
// Cadenza itself. The composition root mounts it only where the local store is used (a remote
// store's grants point at the remote store).
#include <filesystem>
#include <string_view>

#include "http/router.h"

namespace cadenza {
class LocalBlobEndpoint;
}

namespace cadenza::api {

class PublicBase;

// The path the routes below serve; the local store's grant URLs start with it.
inline constexpr std::string_view kBlobRoutePrefix = "/blobs/";

// PUT /blobs/{key...}: a write grant's body, spooled into `spool_dir` (on the store's
// filesystem, so storing it is a rename), stored in the upload slot. The signature is checked
// before the body is read, and that grant is the one the handler stores with.
// GET|HEAD /blobs/{key...}: a read grant's blob, with Range support from the server.
// The trackUrl a PUT answers is absolute on `base`.
void RegisterBlobRoutes(http::Router& router, LocalBlobEndpoint& endpoint, const PublicBase& base,
                        const std::filesystem::path& spool_dir);

}  // namespace cadenza::api
