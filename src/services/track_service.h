#pragma once
// Tracks: upload and replacement through signed URLs, CRUD, stream URLs, and the signed blob
// endpoint behind them. Free of HTTP types: the routes translate requests into these calls.
//
// Upload flow: IssueUploadUrl -> the client PUTs the bytes to the signed URL (the blob route
// calls VerifyBlobUrl, then StoreUpload) -> Create claims the completed slot and inserts the
// track in one transaction. Replacing the audio is the same with IssueUpdateUrl and Update.
// Blobs that lose their last reference are queued by the catalogue and removed by BlobJanitor.
//
// Processing: a track is created (and its audio replaced) with status "processing", progress
// 0, and a transcode job (services/ingest/transcode_job.h) queued in the same transaction;
// IngestWorker (services/ingest/ingest_worker.h) takes it from there to "ready" or "failed".
//
// Untitled uploads: POST /api/v1/tracks may leave out the title. The track is then created
// with the placeholder title kPlaceholderTrackTitle (domain/track_rules.h), and the worker replaces it with the
// file's title tag when the title is still the placeholder once processing succeeds; likewise
// a missing track number is taken from the file's track-number tag. Fields the uploader set
// are never overwritten.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/entities.h"
#include "domain/pagination.h"
#include "domain/principal.h"
#include "domain/time.h"
#include "domain/track_rules.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/id_generator.h"
#include "services/upload_service.h"
#include "services/url_signer.h"

namespace cadenza {

struct TrackOptions {
  std::chrono::seconds upload_ttl{3600};
  std::chrono::seconds stream_ttl{3600};
  std::int64_t max_upload_bytes = 2LL << 30;
};

// POST /api/v1/tracks.
struct NewTrack {
  std::string album_id;
  std::optional<std::string> title;  // absent: kPlaceholderTrackTitle, later the title tag
  std::string track_url;  // the trackUrl of a completed upload slot
  std::optional<int> track_number;
};

// PATCH /api/v1/tracks/{id}: absent members are left alone.
struct TrackPatch {
  std::optional<std::string> album_id;  // move to another album (the caller must own it too)
  std::optional<std::string> title;
  std::optional<int> track_number;
  bool clear_track_number = false;      // `"trackNumber": null`
  std::optional<std::string> track_url;  // a completed update slot for this track
};

// GET /api/v1/tracks/{id}/original: the uploaded master, for its owner.
struct OriginalTicket {
  std::string url;  // signed GET URL of the blob
  std::int64_t size_bytes = 0;
  Timestamp expires_at = 0;
};

// A blob opened for a signed GET.
struct BlobDownload {
  std::unique_ptr<BlobReader> reader;
  std::string content_type;           // sniffed from the first bytes (services/audio_sniff.h)
  std::int64_t max_age_seconds = 0;   // until the signature expires; never negative
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks (database,
// blob store): call from blocking-work threads. Failures throw cadenza::Error; `field` uses
// the API's spelling (albumId, title, trackNumber, trackUrl).
class TrackService {
 public:
  TrackService(Catalog& catalog, BlobStore& blobs, const UrlSigner& signer,
               const IdGenerator& ids, const Clock& clock, TrackOptions options);

  // A new upload slot for the caller (Action::kUpload: 403 for listeners) and its signed
  // PUT URL, valid for upload_ttl.
  UploadTicket IssueUploadUrl(const Principal& caller);

  // A replacement slot for track `track_id`: 404 "track not found", 403 unless the caller
  // owns the track's artist (or is an admin).
  UploadTicket IssueUpdateUrl(const Principal& caller, std::string_view track_id);

  // Claims the completed upload behind `track.track_url`, inserts the track (status
  // processing, progress 0) and queues its transcode job, in one transaction. 400 for an
  // invalid title/trackNumber/trackUrl; 422 field albumId "album not found"; 403 unless the
  // caller owns the album's artist; then the FindClaimable errors of UploadService
  // (422/403/413, field trackUrl).
  Track Create(const Principal& caller, const NewTrack& track);

  // 404 "track not found".
  Track Get(const Principal& caller, std::string_view id);
  Page<Track> List(const Principal& caller, const PageRequest& page);

  // Applies `patch` in one transaction. A track_url replaces the audio (the old blob is queued
  // for deletion and the slot claimed), sets the status back to processing (progress 0, no
  // error, duration and loudness unknown again) and (re)queues the track's transcode job with
  // fresh attempts; an attempt still working on the old audio loses its lease and its blobs
  // are queued for deletion. The previous renditions stay until the new ones replace them.
  // 404 for an unknown track, 403 unless the caller owns
  // it (and the target album when moving), 422 field albumId when the target album does not
  // exist, plus Create's validation errors.
  Track Update(const Principal& caller, std::string_view id, const TrackPatch& patch);

  // Deletes the track (its blob, its renditions' blobs and those of its latest transcode
  // attempt are queued for deletion). 404 / 403 as for Update.
  void Delete(const Principal& caller, std::string_view id);

  // A signed GET URL for the original upload, valid for stream_ttl. 404 "track not found",
  // 403 unless the caller owns the track (or is an admin): masters are not for listeners, who
  // stream the renditions (services/media_delivery.h).
  OriginalTicket IssueOriginalUrl(const Principal& caller, std::string_view id);

  // --- The /blobs endpoint ---

  // Verifies the signed URL of a /blobs request for `method` ("PUT", or "GET" also for HEAD).
  // 404 for a key that cannot name a blob; 403 with the reason when the signature is missing,
  // expired or altered.
  SignedGrant VerifyBlobUrl(std::string_view method, std::string_view key,
                            const std::multimap<std::string, std::string>& query) const;

  // Stores a signed PUT's spooled body; see UploadService::Store. `spooled_file` is consumed.
  StoredUpload StoreUpload(std::string_view key, const SignedGrant& grant,
                           const std::filesystem::path& spooled_file);

  // Opens the blob a verified GET grant names. 403 when `grant` is not a GET grant for `key`,
  // 404 "blob not found" when there is no such blob.
  BlobDownload OpenBlob(std::string_view key, const SignedGrant& grant);

  // Where the blob route spools PUT bodies (same filesystem as the store) and the largest
  // body it accepts before any grant lowers it.
  std::filesystem::path SpoolDirectory() const { return uploads_.SpoolDirectory(); }
  std::int64_t max_upload_bytes() const { return uploads_.max_bytes(); }

 private:
  Track FindTrack(CatalogTransaction& tx, std::string_view id) const;
  // Queues the transcode job of `track_id` inside `tx`.
  void EnqueueTranscode(CatalogTransaction& tx, std::string_view track_id, Timestamp now) const;
  // The owner of the album's artist; nullopt when the album does not exist.
  std::optional<std::string> AlbumOwner(CatalogTransaction& tx, std::string_view album_id) const;

  Catalog& catalog_;
  BlobStore& blobs_;
  const UrlSigner& signer_;
  const IdGenerator& ids_;
  const Clock& clock_;
  TrackOptions options_;
  UploadService uploads_;
};

}  // namespace cadenza
