#pragma once
// Wire format of the catalogue entities (camelCase JSON), separate from the domain structs.
// Ids are strings, timestamps RFC 3339 strings; absent optionals are JSON null.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "ports/blob_store.h"
#include "ports/search.h"
#include "services/track_service.h"
#include "services/upload_service.h"

namespace cadenza {
struct StreamGrant;
}  // namespace cadenza

namespace cadenza::api {

boost::json::object ToJson(const User& user);          // {id, email, displayName, role, createdAt, updatedAt}; never the hash
boost::json::object ToJson(const Artist& artist);      // {id, ownerId, name, bio, createdAt, updatedAt}
boost::json::object ToJson(const Album& album);        // {id, artistId, title, releaseDate, cover, createdAt, updatedAt}; cover is null or
                                                       // {"96": "/covers/...", ...} per size stored
boost::json::object ToJson(const Track& track);        // {id, albumId, title, trackNumber, sizeBytes, createdAt, updatedAt}
boost::json::object ToJson(const Playlist& playlist);  // {id, ownerId, name, description, public, createdAt, updatedAt}
// One search result as a result list shows it (cover as in an album's DTO):
//   tracks    {id, title, artist: {id, name}, album: {id, title}, cover, durationMs, playCount}
//   albums    {id, title, artist: {id, name}, cover, playCount}
//   artists   {id, name, playCount}
//   playlists {id, name, ownerId}
boost::json::object ToJson(const SearchHit& hit, SearchKind kind);

// The body of GET /api/v1/tracks/{id}/stream: {trackUrl (the HLS master, the adaptive
// default), albumId, title, expiresAt, hls, dash, progressive: {"mp3_96": url, ...},
// loudness: {integratedLufs, truePeakDb, gainDb} or null when it was not measured}. The URLs
// are the grant's files under /media (see MediaFilePath) with `base` (see PublicBase) in front;
// the progressive ones are the store's own URLs when the grant has them (progressive_direct).
boost::json::object StreamUrlsJson(const StreamGrant& grant, std::string_view base);
// Blob grants and uploads. `base` is the public base of this request (api/public_base.h).

// The URL of a grant for a client: a root-relative one (the local store's /blobs URLs) on
// `base`, an absolute one (a remote store's) as it is.
std::string GrantUrl(const BlobGrant& grant, std::string_view base);

// The trackUrl naming an upload slot's key: "<base>/blobs/<key>", the unsigned form of the
// local store's upload URL (a plain reference for any store: it is only ever sent back).
std::string TrackUrl(std::string_view upload_key, std::string_view base);
// The key a root-relative trackUrl ("/blobs/<key>", or the bare key) names. Throws
// Error(kInvalidArgument, field "trackUrl") for anything else.
std::string UploadKeyFromTrackUrl(std::string_view root_relative);

// {uploadUrl, trackUrl, method, expiresAt, maxBytes}
boost::json::object ToJson(const UploadTicket& ticket, std::string_view base);
// {url, sizeBytes, expiresAt}
boost::json::object ToJson(const OriginalTicket& ticket, std::string_view base);
// {trackUrl, sizeBytes}
boost::json::object ToJson(const StoredUpload& stored, std::string_view base);
// The strong entity tag of an opaque version (a hash): "\"<version>\"".
std::string EntityTag(std::string_view version);

}  // namespace cadenza::api
