#pragma once
// Adaptive streaming of processed tracks: issues the stream URLs (GET
// /api/v1/tracks/{id}/stream) and serves what they lead to under
// /media/<token>/<trackId>/...: the HLS master and media playlists and the DASH MPD
// (generated from the database on every request, never stored), the CMAF init and media
// segments, and the progressive MP3 files. Free of HTTP types: api/media_routes.cc
// translates. Blob keys always come from the database rows, never from request text.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/media.h"
#include "domain/principal.h"
#include "domain/time.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "services/rendition_cache.h"
#include "ports/clock.h"
#include "services/media_token.h"

namespace cadenza {

struct MediaDeliveryOptions {
  std::chrono::seconds token_ttl{std::chrono::hours(6)};
  std::size_t cached_tracks = 4096;  // rendition layouts kept in memory (a few KB each)
};

// GET /api/v1/tracks/{id}/stream. All URLs are root-relative (the API puts the public base
// in front, see api/public_base.h) and carry one media token.
struct StreamUrls {
  std::string track_id;
  std::string album_id;
  std::string title;
  std::string hls;   // /media/<token>/<trackId>/master.m3u8
  std::string dash;  // /media/<token>/<trackId>/manifest.mpd
  // Rendition name -> URL of its progressive file ("mp3_96" -> ".../mp3_96.mp3"), in
  // StandardRenditions() order.
  std::vector<std::pair<std::string, std::string>> progressive;
  Timestamp expires_at = 0;          // when the token (every URL above) stops working
  std::optional<Loudness> loudness;  // measured during processing
};

// One file under /media/<token>/<trackId>/.
struct MediaResponse {
  std::string content_type;
  std::string body;                    // manifests (reader is null)
  std::unique_ptr<BlobReader> reader;  // segments, init segments, progressive files
  // Quoted strong validator of an immutable file ("\"<blob key>:<size>\""); empty for
  // manifests, which are regenerated on every request.
  std::string etag;
  // Immutable files: "private, max-age=31536000, immutable" (private: the URL is a
  // per-user grant). Manifests: "private, max-age=60".
  std::string cache_control;
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks
// (database, blob store): call from blocking-work threads. Failures throw cadenza::Error.
class MediaDelivery {
 public:
  MediaDelivery(Catalog& catalog, BlobStore& blobs, const MediaTokenSigner& signer,
                const Clock& clock, MediaDeliveryOptions options);

  // The stream URLs of a track, with a token valid for token_ttl. 404 "track not found";
  // 403 when the caller may not stream (Action::kStream); 409 "the track is still being
  // processed; try again when its status is ready"; 422 "the track could not be processed:
  // <reason>" once processing failed.
  StreamUrls IssueStreamUrls(const Principal& caller, std::string_view track_id);

  // The file `rest` names under /media/<token>/<track_id>/: "master.m3u8"
  // (application/vnd.apple.mpegurl), "manifest.mpd" (application/dash+xml),
  // "<rendition>/playlist.m3u8", "<rendition>/init.mp4" and "<rendition>/seg-NNNNN.m4s"
  // (audio/mp4) of a CMAF rendition, "<rendition>.mp3" (audio/mpeg) of a progressive one.
  // The token is checked first: 403 with MediaTokenSigner::Verify's reasons. Then 404
  // "track not found" (deleted since), the 409/422 of IssueStreamUrls when the track is not
  // ready (e.g. its audio is being replaced), and 404 for any name the track's renditions do
  // not have ("no such rendition", "no such segment", "no such media file") or a blob that is
  // missing from the store ("media file not found").
  MediaResponse Serve(std::string_view token, std::string_view track_id, std::string_view rest);

 private:
  std::string MediaBase(std::string_view token, std::string_view track_id) const;
  MediaResponse OpenFile(std::string_view blob_key, std::string content_type);

  Catalog& catalog_;
  BlobStore& blobs_;
  const MediaTokenSigner& signer_;
  const Clock& clock_;
  MediaDeliveryOptions options_;
  RenditionCache renditions_;
};

}  // namespace cadenza
