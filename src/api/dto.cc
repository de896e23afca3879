#include "api/dto.h"

#include <string>

#include "api/media_routes.h"
#include "api/blob_routes.h"
#include "domain/blob_key.h"
#include "domain/cover.h"
#include "domain/error.h"
#include "domain/media.h"
#include "domain/role.h"
#include "domain/time.h"
#include "services/media_delivery.h"

namespace cadenza::api {

namespace {

boost::json::value OrNull(const std::optional<std::string>& text) {
  if (text) return boost::json::value(*text);
  return nullptr;
}

// {"96": "/covers/<albumId>/<version>/96.jpg", ...} for the sizes stored, or null.
boost::json::value CoverJson(const std::optional<std::string>& cover_key, int cover_max_px) {
  if (!cover_key || cover_max_px <= 0) return nullptr;
  // cover_key is "covers/<albumId>/<version>/": the URL path mirrors the blob key.
  boost::json::object sizes;
  for (int size : kCoverSizes) {
    if (size > cover_max_px) break;
    sizes[std::to_string(size)] = "/" + CoverKey(*cover_key, size);
  }
  return sizes;
}

// {integratedLufs, truePeakDb, gainDb}, or null when it was not measured.
boost::json::value LoudnessJson(const std::optional<Loudness>& loudness) {
  if (!loudness) return nullptr;
  return boost::json::object{{"integratedLufs", loudness->integrated_lufs},
                             {"truePeakDb", loudness->true_peak_db},
                             {"gainDb", loudness->gain_db}};
}

}  // namespace

boost::json::object ToJson(const User& user) {
  return boost::json::object{
      {"id", user.id},
      {"email", user.email},
      {"displayName", user.display_name},
      {"role", RoleName(user.role)},
      {"createdAt", FormatRfc3339(user.created_at)},
      {"updatedAt", FormatRfc3339(user.updated_at)},
  };
}

boost::json::object ToJson(const Artist& artist) {
  return boost::json::object{
      {"id", artist.id},
      {"ownerId", artist.owner_user_id},
      {"name", artist.name},
      {"bio", OrNull(artist.bio)},
      {"createdAt", FormatRfc3339(artist.created_at)},
      {"updatedAt", FormatRfc3339(artist.updated_at)},
  };
}

boost::json::object ToJson(const Album& album) {
  return boost::json::object{
      {"id", album.id},
      {"artistId", album.artist_id},
      {"title", album.title},
      {"releaseDate", OrNull(album.release_date)},
      {"cover", CoverJson(album.cover_key, album.cover_max_px)},
      {"createdAt", FormatRfc3339(album.created_at)},
      {"updatedAt", FormatRfc3339(album.updated_at)},
  };
}

boost::json::object ToJson(const Track& track) {
  boost::json::value track_number = nullptr;
  if (track.track_number) track_number = *track.track_number;
  boost::json::value duration_ms = nullptr;
  if (track.duration_ms) duration_ms = *track.duration_ms;
  boost::json::value tag_number = nullptr;
  if (track.tags.track_number) tag_number = *track.tags.track_number;
  boost::json::object tags{{"title", OrNull(track.tags.title)},
                           {"artist", OrNull(track.tags.artist)},
                           {"album", OrNull(track.tags.album)},
                           {"date", OrNull(track.tags.date)},
                           {"trackNumber", tag_number}};
  return boost::json::object{
      {"id", track.id},
      {"albumId", track.album_id},
      {"title", track.title},
      {"trackNumber", track_number},
      {"sizeBytes", track.blob_size},
      {"status", TrackStatusName(track.status)},
      // Whole values as integers: Boost.JSON would print 0.0 as "0E0".
      {"progress", track.progress == 0 || track.progress == 1
                       ? boost::json::value(static_cast<std::int64_t>(track.progress))
                       : boost::json::value(track.progress)},
      {"error", OrNull(track.error)},
      {"durationMs", duration_ms},
      {"loudness", LoudnessJson(track.loudness)},
      {"tags", std::move(tags)},
      {"createdAt", FormatRfc3339(track.created_at)},
      {"updatedAt", FormatRfc3339(track.updated_at)},
  };
}

boost::json::object ToJson(const Playlist& playlist) {
  return boost::json::object{
      {"id", playlist.id},
      {"ownerId", playlist.owner_user_id},
      {"name", playlist.name},
      {"description", OrNull(playlist.description)},
      {"public", playlist.is_public},
      {"createdAt", FormatRfc3339(playlist.created_at)},
      {"updatedAt", FormatRfc3339(playlist.updated_at)},
  };
}

boost::json::object ToJson(const SearchHit& hit, SearchKind kind) {
  boost::json::object artist{{"id", hit.artist_id}, {"name", hit.artist_name}};
  switch (kind) {
    case SearchKind::kTrack: {
      boost::json::value duration_ms = nullptr;
      if (hit.duration_ms) duration_ms = *hit.duration_ms;
      return {{"id", hit.id},
              {"title", hit.title},
              {"artist", std::move(artist)},
              {"album", boost::json::object{{"id", hit.album_id}, {"title", hit.album_title}}},
              {"cover", CoverJson(hit.cover_key, hit.cover_max_px)},
              {"durationMs", duration_ms},
              {"playCount", hit.play_count}};
    }
    case SearchKind::kAlbum:
      return {{"id", hit.id},
              {"title", hit.title},
              {"artist", std::move(artist)},
              {"cover", CoverJson(hit.cover_key, hit.cover_max_px)},
              {"playCount", hit.play_count}};
    case SearchKind::kArtist:
      return {{"id", hit.id}, {"name", hit.title}, {"playCount", hit.play_count}};
    case SearchKind::kPlaylist:
      return {{"id", hit.id}, {"name", hit.title}, {"ownerId", hit.owner_user_id}};
  }
  return {{"id", hit.id}};
}

boost::json::object StreamUrlsJson(const StreamGrant& grant, std::string_view base) {
  auto url = [&](std::string_view file) {
    return std::string(base) + MediaFilePath(grant.token, grant.track_id, file);
  };
  boost::json::object progressive;
  for (std::size_t i = 0; i < grant.progressive.size(); ++i) {
    const auto& [rendition, file] = grant.progressive[i];
    // A direct store's own URL when there is one: its bytes never pass through /media.
    progressive[rendition] = i < grant.progressive_direct.size()
                                 ? GrantUrl(grant.progressive_direct[i], base)
                                 : url(file);
  }
  return boost::json::object{{"trackUrl", url(grant.hls_master)},
                             {"albumId", grant.album_id},
                             {"title", grant.title},
                             {"expiresAt", FormatRfc3339(grant.expires_at)},
                             {"hls", url(grant.hls_master)},
                             {"dash", url(grant.dash_manifest)},
                             {"progressive", std::move(progressive)},
                             {"loudness", LoudnessJson(grant.loudness)}};
}

std::string GrantUrl(const BlobGrant& grant, std::string_view base) {
  if (grant.url.starts_with('/')) return std::string(base) + grant.url;
  return grant.url;
}

std::string TrackUrl(std::string_view upload_key, std::string_view base) {
  std::string url(base);
  url.append(kBlobRoutePrefix).append(upload_key);
  return url;
}

std::string UploadKeyFromTrackUrl(std::string_view root_relative) {
  std::string_view key = root_relative;
  if (key.starts_with(kBlobRoutePrefix)) key.remove_prefix(kBlobRoutePrefix.size());
  if (!IsValidBlobKey(key)) {
    throw InvalidArgument("trackUrl", "trackUrl must be the trackUrl returned with the upload "
                                      "URL (" + std::string(kBlobRoutePrefix) + "<key>)");
  }
  return std::string(key);
}

boost::json::object ToJson(const UploadTicket& ticket, std::string_view base) {
  return {{"uploadUrl", GrantUrl(ticket.grant, base)},
          {"trackUrl", TrackUrl(ticket.blob_key, base)},
          {"method", ticket.grant.method},
          {"expiresAt", FormatRfc3339(ticket.grant.expires_at)},
          {"maxBytes", ticket.grant.max_bytes}};
}

boost::json::object ToJson(const OriginalTicket& ticket, std::string_view base) {
  return {{"url", GrantUrl(ticket.grant, base)},
          {"sizeBytes", ticket.size_bytes},
          {"expiresAt", FormatRfc3339(ticket.grant.expires_at)}};
}

boost::json::object ToJson(const StoredUpload& stored, std::string_view base) {
  return {{"trackUrl", TrackUrl(stored.blob_key, base)}, {"sizeBytes", stored.size_bytes}};
}

std::string EntityTag(std::string_view version) {
  std::string tag = "\"";
  tag.append(version).append("\"");
  return tag;
}

}  // namespace cadenza::api
