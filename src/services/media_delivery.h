#pragma once
// Adaptive streaming of processed tracks: grants a media token for a track and serves the
// files it opens: the HLS master and media playlists and the DASH MPD (generated from the
// database on every request, never stored; they name the other files relatively, or by the
// store's own URLs when the store serves clients directly), the CMAF init and media
// segments, and the progressive MP3 files. Knows nothing of HTTP:
// api/media_routes.cc publishes the files under URLs and decides their headers. Blob keys
// always come from the database rows, never from request text.
#include <chrono>
#include <cstdint>
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
#include "ports/clock.h"
#include "services/media_token.h"
#include "services/rendition_cache.h"

namespace cadenza {

struct MediaDeliveryOptions {
  std::chrono::seconds token_ttl{std::chrono::hours(6)};
  std::size_t cached_tracks = 4096;  // rendition layouts kept in memory (a few KB each)
};

// A grant to stream one track: a media token that opens every file Serve names for the
// track until it expires. Where those files are published is the caller's business.
struct StreamGrant {
  std::string track_id;
  std::string album_id;
  std::string title;
  std::string token;          // a MediaTokenSigner token for track_id on the caller's behalf
  Timestamp expires_at = 0;   // when the token stops working
  std::string hls_master;     // the file names (as Serve takes them) of the HLS master playlist
  std::string dash_manifest;  // and of the DASH MPD
  // The progressive renditions in StandardRenditions() order: rendition name ("mp3_96") and
  // the file name Serve takes for it ("mp3_96.mp3").
  std::vector<std::pair<std::string, std::string>> progressive;
  // With a store that serves clients directly: the store's read grant of each progressive
  // file, in the order of `progressive` and expiring with the token (or earlier, when the
  // store caps its grants), to be published instead of the file names. Empty otherwise.
  std::vector<BlobGrant> progressive_direct;
  std::optional<Loudness> loudness;  // measured during processing
};

enum class MediaFileKind {
  kManifest,  // generated from the database on this request: `body`
  kBlob,      // a stored blob: `blob_key`, read through `reader`
  // A stored blob that the store serves itself (BlobStore::ServesClientsDirectly): `grant`
  // is a fresh read grant for `blob_key`, to send the client to instead of relaying bytes.
  kRedirect,
};

// One file of a track's media.
struct MediaFile {
  MediaFileKind kind = MediaFileKind::kManifest;
  std::string content_type;
  // True when the bytes this name leads to never change while the token lasts: blob-backed
  // files (a redo writes new blob keys and new rows, so a name then leads to another blob).
  // Manifests change when the track is reprocessed.
  bool immutable = false;
  std::string body;                    // kManifest
  std::string blob_key;                // kBlob: the blob `reader` reads, from the database row
  std::unique_ptr<BlobReader> reader;  // kBlob
  std::int64_t size = 0;               // bytes of `body` or of the blob (kRedirect: unknown, 0)
  BlobGrant grant;                     // kRedirect
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks
// (database, blob store): call from blocking-work threads. Failures throw cadenza::Error.
class MediaDelivery {
 public:
  MediaDelivery(Catalog& catalog, BlobStore& blobs, const MediaTokenSigner& signer,
                const Clock& clock, MediaDeliveryOptions options);

  // A grant for the track, with a token valid for token_ttl. Error(kNotFound, "track not
  // found"); kPermissionDenied when the caller may not stream (Action::kStream); kConflict
  // "the track is still being processed; try again when its status is ready"; kUnprocessable
  // "the track could not be processed: <reason>" once processing failed.
  StreamGrant IssueStreamGrant(const Principal& caller, std::string_view track_id);

  // The file `rest` names among the track's media: "master.m3u8"
  // (application/vnd.apple.mpegurl), "manifest.mpd" (application/dash+xml),
  // "<rendition>/playlist.m3u8", "<rendition>/init.mp4" and "<rendition>/seg-NNNNN.m4s"
  // (audio/mp4) of a CMAF rendition, "<rendition>.mp3" (audio/mpeg) of a progressive one.
  // The token is checked first: kPermissionDenied with MediaTokenSigner::Verify's reasons,
  // then kPermissionDenied "this media URL was revoked: ..." when its account is gone,
  // disabled, or has bumped its token version since (password or role change).
  // Then kNotFound "track not found" (deleted since), the kConflict/kUnprocessable of
  // IssueStreamGrant when the track is not ready (e.g. its audio is being replaced), and
  // kNotFound for any name the track's renditions do not have ("no such rendition", "no such
  // segment", "no such media file") or a blob that is missing from the store ("media file
  // not found").
  //
  // With a store that serves clients directly (BlobStore::ServesClientsDirectly) no blob
  // byte passes through here: the HLS media playlists and the MPD name every init and media
  // segment by the store's read grant (media/layout.h BlobUrlFor), and a blob-backed name is
  // a kRedirect to a fresh grant (for players holding an older manifest). Those grants expire
  // with the token, or earlier when the store caps their lifetime; they are signed on every
  // request and never cached. Whether the blob exists is then the store's to answer.
  MediaFile Serve(std::string_view token, std::string_view track_id, std::string_view rest);

 private:
  // The blob-backed file `blob_key`, opened for `token`'s holder.
  MediaFile OpenFile(std::string_view blob_key, std::string_view content_type,
                     const MediaTokenSigner::Grant& token);
  // The store's read grant for `blob_key` on behalf of `user_id` until `expires_at` (or the
  // store's cap), answered as `content_type` and cacheable for good (the bytes never change).
  BlobGrant ReadGrant(std::string_view blob_key, std::string_view content_type,
                      std::string_view user_id, Timestamp expires_at);

  Catalog& catalog_;
  BlobStore& blobs_;
  const MediaTokenSigner& signer_;
  const Clock& clock_;
  MediaDeliveryOptions options_;
  RenditionCache renditions_;
};

}  // namespace cadenza
