#pragma once
// Tracks: upload and replacement through the blob store's granted URLs, CRUD, and the grant
// for the original upload. Free of HTTP types and URL formats: the routes translate requests
// into these calls and the results into URLs and headers.
//
// Upload flow: IssueUploadUrl -> the client PUTs the bytes to the granted URL (for the local
// store, services/local_blob_endpoint.h stores them) -> Create claims the completed slot and
// inserts the track in one transaction. Replacing the audio is the same with IssueUpdateUrl
// and Update.
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
#include "services/account_limits.h"
#include "services/id_generator.h"
#include "services/upload_service.h"

namespace cadenza {

struct TrackOptions {
  std::chrono::seconds upload_ttl{3600};
  std::chrono::seconds stream_ttl{3600};
  std::int64_t max_upload_bytes = 2LL << 30;
  AccountLimits limits;  // per-account limits (services/account_limits.h)
};

// POST /api/v1/tracks.
struct NewTrack {
  std::string album_id;
  std::optional<std::string> title;  // absent: kPlaceholderTrackTitle, later the title tag
  std::string upload_key;  // the blob key of a completed upload slot (the API's trackUrl)
  std::optional<int> track_number;
};

// PATCH /api/v1/tracks/{id}: absent members are left alone.
struct TrackPatch {
  std::optional<std::string> album_id;  // move to another album (the caller must own it too)
  std::optional<std::string> title;
  std::optional<int> track_number;
  bool clear_track_number = false;      // `"trackNumber": null`
  std::optional<std::string> upload_key;  // the key of a completed update slot for this track
};

// GET /api/v1/tracks/{id}/original: the uploaded master, for its owner.
struct OriginalTicket {
  BlobGrant grant;  // the blob store's read grant for the original
  std::int64_t size_bytes = 0;
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks (database,
// blob store): call from blocking-work threads. Failures throw cadenza::Error; `field` uses
// the API's spelling (albumId, title, trackNumber, trackUrl).
class TrackService {
 public:
  TrackService(Catalog& catalog, BlobStore& blobs, const IdGenerator& ids, const Clock& clock,
               TrackOptions options);

  // A new upload slot for the caller (Action::kUpload: kPermissionDenied for listeners) and
  // the store's write grant for it, valid for upload_ttl.
  UploadTicket IssueUploadUrl(const Principal& caller);

  // A replacement slot for track `track_id`: kNotFound "track not found", kPermissionDenied
  // unless the caller owns the track's artist (or is an admin).
  UploadTicket IssueUpdateUrl(const Principal& caller, std::string_view track_id);

  // Claims the completed upload under `track.upload_key`, inserts the track (status
  // processing, progress 0) and queues its transcode job, in one transaction.
  // kInvalidArgument for an invalid title/trackNumber or a key that cannot name an upload
  // (field trackUrl); kUnprocessable field albumId "album not found"; kPermissionDenied
  // unless the caller owns the album's artist; then the FindClaimable errors of
  // UploadService (kUnprocessable/kPermissionDenied/kTooLarge, field trackUrl). Unless the
  // caller is exempt (account_limits.h): kPermissionDenied naming max_stored_bytes when the
  // account's tracks with the claimed upload would store more than it allows (other unclaimed
  // uploads are not counted: the first claimed gets the room), kTooManyRequests
  // naming max_queued_jobs when the album owner already has that many jobs queued or running.
  // IssueUploadUrl and IssueUpdateUrl refuse as UploadService::IssueSlot does.
  Track Create(const Principal& caller, const NewTrack& request);

  // kNotFound "track not found".
  Track Get(const Principal& caller, std::string_view id);
  Page<Track> List(const Principal& caller, const PageRequest& page);

  // Applies `patch` in one transaction. An upload_key replaces the audio (the old blob is queued
  // for deletion and the slot claimed), sets the status back to processing (progress 0, no
  // error, duration and loudness unknown again) and (re)queues the track's transcode job with
  // fresh attempts; an attempt still working on the old audio loses its lease and its blobs
  // are queued for deletion. The previous renditions stay until the new ones replace them.
  // kNotFound for an unknown track, kPermissionDenied unless the caller owns it (and the
  // target album when moving), kUnprocessable field albumId when the target album does not
  // exist, plus Create's validation errors and, for an upload_key, its limits (the replaced
  // original is not counted, nor the track's own job when it is still queued).
  Track Update(const Principal& caller, std::string_view id, const TrackPatch& patch);

  // Deletes the track (its blob, its renditions' blobs and those of its latest transcode
  // attempt are queued for deletion). kNotFound / kPermissionDenied as for Update.
  void Delete(const Principal& caller, std::string_view id);

  // The store's read grant for the original upload, valid for stream_ttl. kNotFound "track
  // not found", kPermissionDenied unless the caller owns the track (or is an admin): masters
  // are not for listeners, who stream the renditions (services/media_delivery.h).
  OriginalTicket IssueOriginalUrl(const Principal& caller, std::string_view id);

  // The upload slots this service claims from; the local blob endpoint stores into them.
  UploadService& uploads() { return uploads_; }

 private:
  Track FindTrack(CatalogTransaction& tx, std::string_view id) const;
  // Queues the transcode job of `track_id` for `owner_id` inside `tx`.
  void EnqueueTranscode(CatalogTransaction& tx, std::string_view track_id,
                        std::string_view owner_id, Timestamp now) const;
  // Claims the completed update slot for `key` as the new audio of `track` (owned by
  // `owner_id`): checks the limits, sets the blob and resets the processing state. The
  // caller updates the row, then calls RequeueAfterReplace.
  Upload ClaimReplacement(CatalogTransaction& tx, const Principal& caller, Track& track,
                          std::string_view owner_id, const std::string& key) const;
  // Deletes the claimed slot and re-queues the track's transcode job (see Update).
  void RequeueAfterReplace(CatalogTransaction& tx, const Track& track, const Upload& slot,
                           std::string_view owner_id, Timestamp now) const;
  // The owner of the album's artist; nullopt when the album does not exist.
  std::optional<std::string> AlbumOwner(CatalogTransaction& tx, std::string_view album_id) const;

  Catalog& catalog_;
  BlobStore& blobs_;
  const IdGenerator& ids_;
  const Clock& clock_;
  TrackOptions options_;
  UploadService uploads_;
};

}  // namespace cadenza
