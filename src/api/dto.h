#pragma once
// Wire format of the catalogue entities (camelCase JSON), separate from the domain structs.
// Ids are strings, timestamps RFC 3339 strings; absent optionals are JSON null.
#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "domain/entities.h"

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

// The body of GET /api/v1/tracks/{id}/stream: {trackUrl (the HLS master, the adaptive
// default), albumId, title, expiresAt, hls, dash, progressive: {"mp3_96": url, ...},
// loudness: {integratedLufs, truePeakDb, gainDb} or null when it was not measured}. The URLs
// are the grant's files under /media (see MediaFilePath) with `base` (see PublicBase) in front.
boost::json::object StreamUrlsJson(const StreamGrant& grant, std::string_view base);

}  // namespace cadenza::api
