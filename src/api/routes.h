#pragma once
// Route groups of /api/v1. Each group lives in its own file and can be
// mounted separately, which is how `--roles` splits the seed's services across processes.
#include <functional>

#include "http/router.h"

namespace cadenza {
class AccountService;
class CatalogService;
class MediaDelivery;
class PlaylistService;
class TrackService;
}  // namespace cadenza

namespace cadenza::api {

class PublicBase;

// POST /api/v1/auth/register, POST /api/v1/auth/login, GET/PATCH/DELETE /api/v1/users/me.
void RegisterAccountRoutes(http::Router& router, AccountService& accounts);

// /api/v1/artists..., /api/v1/albums... (CRUD, artist albums, album with tracks).
void RegisterCatalogRoutes(http::Router& router, AccountService& accounts, CatalogService& catalog);

// /api/v1/playlists... (CRUD and entries).
void RegisterPlaylistRoutes(http::Router& router, AccountService& accounts, PlaylistService& playlists);

// /api/v1/tracks... (upload-url, update-url, CRUD, stream and original URLs). The URLs handed
// out are absolute on `base`. The local store's /blobs endpoint is mounted apart
// (api/blob_routes.h).
void RegisterTrackRoutes(http::Router& router, AccountService& accounts, TrackService& tracks,
                         MediaDelivery& media, const PublicBase& base);

// GET /healthz, GET /readyz, GET /api/v1/openapi.json.
struct ReadinessChecks {
  std::function<bool()> database;
  std::function<bool()> blob_store;
};
void RegisterSystemRoutes(http::Router& router, ReadinessChecks checks);

}  // namespace cadenza::api
