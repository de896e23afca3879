#pragma once
// The routes of /api/v1, by service, each in its own file. Which route belongs to which
// `roles` group, and how an instance refuses the groups it does not serve, is in
// api/route_groups.h.
// Every route declares its http::Access; routes that need an account are mounted on a router
// built with BearerAuthenticator (api/common.h) and receive the caller from it.
#include <functional>
#include <string>
#include <vector>

#include "http/router.h"
#include "ports/catalog.h"

namespace cadenza {
class AccountService;
class CatalogService;
class ImageWorkPool;
class ListeningEventService;
class ListeningStats;
class MediaDelivery;
class PlaylistService;
class TrackService;
}  // namespace cadenza

namespace cadenza::api {

class PublicBase;

// POST /api/v1/auth/register, POST /api/v1/auth/login (public), GET/PATCH/DELETE
// /api/v1/users/me (any account).
void RegisterAccountRoutes(http::Router& router, AccountService& accounts);

// /api/v1/artists..., /api/v1/albums... (CRUD, artist albums, album with tracks). Reads take
// any account; writes an account whose role may write the catalogue (the use case decides
// ownership). With `image_pool`, a cover upload takes a place in it before its body is read
// and is refused with 503 and Retry-After when the pool is full.
void RegisterCatalogRoutes(http::Router& router, CatalogService& catalog,
                           ImageWorkPool* image_pool = nullptr);

// /api/v1/playlists... (CRUD and entries), any account.
void RegisterPlaylistRoutes(http::Router& router, PlaylistService& playlists);

// /api/v1/tracks... (upload-url, update-url, CRUD, stream and original URLs; reads and stream
// URLs for any account, the rest for roles that may upload or write the catalogue). The URLs
// handed out are absolute on `base`. The local store's /blobs endpoint is mounted apart
// (api/blob_routes.h).
void RegisterTrackRoutes(http::Router& router, TrackService& tracks, MediaDelivery& media,
                         const PublicBase& base);

// POST /api/v1/events (a batch of listening events, body at most 64 KiB; 202 with their ids),
// GET /api/v1/me/recently-played, GET /api/v1/me/most-played, GET /api/v1/browse/popular,
// GET /api/v1/artists/{id}/top-tracks (?limit=1..50, ?offset=0..1000; {items: [{track,
// plays, lastPlayedAt?}], nextOffset}) and GET /api/v1/browse/new-releases ({items: [album],
// nextOffset}); any account.
void RegisterEventRoutes(http::Router& router, ListeningEventService& events,
                         ListeningStats& stats);

// GET /healthz, GET /readyz, GET /api/v1/openapi.json, GET /api/v1 (all public). /readyz
// also lists `roles`, the roles this process serves, so a gateway's mistake is easy to spot,
// and, when the database has read replicas, each one's server, whether it serves reads and
// its lag (replicas never make the instance unready: reads fall back to the primary).
struct ReadinessChecks {
  std::function<bool()> database;
  std::function<bool()> blob_store;
  std::vector<std::string> roles;
  std::function<std::vector<Catalog::ReplicaStatus>()> replicas;  // may be unset
};
void RegisterSystemRoutes(http::Router& router, const ReadinessChecks& checks);

}  // namespace cadenza::api
