#include "services/track_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "domain/error.h"
#include "domain/permissions.h"
#include "services/events/catalog_events.h"
#include "domain/blob_key.h"
#include "media/layout.h"
#include "services/audio_sniff.h"
#include "services/blob_files.h"
#include "services/ingest/transcode_job.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

std::string CheckTitle(std::string_view title) {
  return CheckText(title, "title", kTitleLimits);
}

void CheckTrackNumber(const std::optional<int>& number) {
  if (number && !IsTrackNumber(*number)) {
    throw InvalidArgument("trackNumber", "trackNumber must be " + std::to_string(kMinTrackNumber) +
                                             " to " + std::to_string(kMaxTrackNumber));
  }
}

Error AlbumNotFound() {
  return Error(ErrorCode::kUnprocessable, "album not found", "albumId");
}

// The key a client named with its trackUrl; the API has taken the URL apart already.
std::string CheckUploadKey(std::string_view key) {
  if (!IsValidBlobKey(key)) {
    throw InvalidArgument("trackUrl", "trackUrl does not name an upload");
  }
  return std::string(key);
}

UploadOptions UploadOptionsFrom(const TrackOptions& options) {
  UploadOptions upload;
  upload.ttl = options.upload_ttl;
  upload.max_bytes = options.max_upload_bytes;
  upload.limits = options.limits;
  return upload;
}

// Queued or running: everything but a permanent failure (see JobQueue::CountActive).
bool IsActive(const Job& job) {
  return job.attempts < job.max_attempts || job.lease_owner.has_value();
}

}  // namespace

TrackService::TrackService(Catalog& catalog, BlobStore& blobs, const IdGenerator& ids,
                           const Clock& clock, TrackOptions options)
    : catalog_(catalog),
      blobs_(blobs),
      ids_(ids),
      clock_(clock),
      options_(options),
      uploads_(catalog, blobs, ids, clock, UploadOptionsFrom(options_)) {}

Track TrackService::FindTrack(CatalogTransaction& tx, std::string_view id) const {
  std::optional<Track> track = tx.tracks().FindById(id);
  if (!track) throw NotFound("track not found");
  return *std::move(track);
}

std::optional<std::string> TrackService::AlbumOwner(CatalogTransaction& tx,
                                                    std::string_view album_id) const {
  std::optional<Album> album = tx.albums().FindById(album_id);
  if (!album) return std::nullopt;
  std::optional<Artist> artist = tx.artists().FindById(album->artist_id);
  // Albums cascade away with their artist, so a dangling album is a broken database.
  if (!artist) throw std::logic_error("album " + album->id + " has no artist");
  return artist->owner_user_id;
}

UploadTicket TrackService::IssueUploadUrl(const Principal& caller) {
  Authorize(caller, Action::kUpload);
  return catalog_.WriteValue(
      [&](CatalogTransaction& tx) { return uploads_.IssueSlot(tx, caller, std::nullopt); });
}

UploadTicket TrackService::IssueUpdateUrl(const Principal& caller, std::string_view track_id) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Track track = FindTrack(tx, track_id);
    std::string owner = AlbumOwner(tx, track.album_id).value();
    Resource resource{owner};
    Authorize(caller, Action::kModifyCatalog, &resource);
    return uploads_.IssueSlot(tx, caller, track.id);
  });
}

void TrackService::EnqueueTranscode(CatalogTransaction& tx, std::string_view track_id,
                                    std::string_view owner_id, Timestamp now) const {
  Job job = NewTranscodeJob(ids_, track_id, now);
  job.owner_id = std::string(owner_id);
  tx.jobs().Enqueue(job);
}

Track TrackService::Create(const Principal& caller, const NewTrack& request) {
  std::string title = request.title ? CheckTitle(*request.title)
                                    : std::string(kPlaceholderTrackTitle);
  CheckTrackNumber(request.track_number);
  std::string key = CheckUploadKey(request.upload_key);
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<std::string> owner = AlbumOwner(tx, request.album_id);
    if (!owner) throw AlbumNotFound();
    Resource resource{*owner};
    Authorize(caller, Action::kModifyCatalog, &resource);
    Upload slot = uploads_.FindClaimable(tx, caller, key, std::nullopt);
    if (!IsExemptFromLimits(caller)) {
      // What the account's tracks store with this upload added. Other completed uploads do
      // not count here: whichever is claimed first gets the room.
      CheckClaimWithinStorage(tx.tracks().StoredBytesOfOwner(caller.user_id) + *slot.size,
                              options_.limits);
      CheckQueuedJobs(tx.jobs().CountActive(*owner), options_.limits);
    }

    Timestamp now = clock_.Now();
    Track track;
    track.id = ids_.Next();
    track.album_id = request.album_id;
    track.title = title;
    track.track_number = request.track_number;
    track.blob_key = slot.blob_key;
    track.blob_size = *slot.size;
    track.status = TrackStatus::kProcessing;
    track.progress = 0;
    track.created_at = now;
    track.updated_at = now;
    // Insert before deleting the slot: the catalogue queues a deleted slot's blob unless a
    // track already uses its key.
    tx.tracks().Insert(track);
    tx.uploads().Delete(slot.id);
    EnqueueTranscode(tx, track.id, *owner, now);
    AppendCatalogEvent(tx, ids_, kTrackUploaded, caller.user_id, track.id, now);
    return track;
  });
}

Track TrackService::Get(const Principal& caller, std::string_view id) {
  Authorize(caller, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) { return FindTrack(tx, id); });
}

Page<Track> TrackService::List(const Principal& caller, const PageRequest& page) {
  Authorize(caller, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.tracks().List(page); });
}

Track TrackService::Update(const Principal& caller, std::string_view id, const TrackPatch& patch) {
  std::optional<std::string> title;
  if (patch.title) title = CheckTitle(*patch.title);
  CheckTrackNumber(patch.track_number);
  std::optional<std::string> key;
  if (patch.upload_key) key = CheckUploadKey(*patch.upload_key);

  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Track track = FindTrack(tx, id);
    std::string current_owner = AlbumOwner(tx, track.album_id).value();
    Resource current{current_owner};  // a view: the string must outlive it
    Authorize(caller, Action::kModifyCatalog, &current);
    bool changed = false;
    std::string owner = current_owner;  // the owner once the patch applies
    if (patch.album_id && *patch.album_id != track.album_id) {
      std::optional<std::string> target_owner = AlbumOwner(tx, *patch.album_id);
      if (!target_owner) throw AlbumNotFound();
      Resource target{*target_owner};
      Authorize(caller, Action::kModifyCatalog, &target);
      track.album_id = *patch.album_id;
      owner = *target_owner;
      changed = true;
    }
    if (title && *title != track.title) {
      track.title = *title;
      changed = true;
    }
    if (patch.clear_track_number && track.track_number) {
      track.track_number.reset();
      changed = true;
    } else if (patch.track_number && patch.track_number != track.track_number) {
      track.track_number = patch.track_number;
      changed = true;
    }
    std::optional<Upload> slot;
    if (key) {
      slot = ClaimReplacement(tx, caller, track, owner, *key);
      changed = true;
    }
    if (!changed) return track;
    Timestamp now = clock_.Now();
    track.updated_at = now;
    // Updating first: the catalogue queues the old blob_key, and the slot's key is then in
    // use, so deleting the slot row does not queue the new blob.
    tx.tracks().Update(track);
    if (slot) {
      RequeueAfterReplace(tx, track, *slot, owner, now);
      AppendCatalogEvent(tx, ids_, kTrackUploaded, caller.user_id, track.id, now, "replaced");
    }
    return track;
  });
}

Upload TrackService::ClaimReplacement(CatalogTransaction& tx, const Principal& caller,
                                      Track& track, std::string_view owner_id,
                                      const std::string& key) const {
  Upload slot = uploads_.FindClaimable(tx, caller, key, track.id);
  if (!IsExemptFromLimits(caller)) {
    // The old original goes once the claim commits.
    CheckClaimWithinStorage(
        tx.tracks().StoredBytesOfOwner(caller.user_id) - track.blob_size + *slot.size,
        options_.limits);
    std::int64_t active = tx.jobs().CountActive(owner_id);
    // Re-queueing resets the track's own job rather than adding one.
    std::optional<Job> own = tx.jobs().FindBySubject(kTranscodeJobKind, track.id);
    if (own && IsActive(*own)) --active;
    CheckQueuedJobs(active, options_.limits);
  }
  track.blob_key = slot.blob_key;
  track.blob_size = *slot.size;
  track.status = TrackStatus::kProcessing;
  track.progress = 0;
  track.error.reset();
  track.duration_ms.reset();
  track.loudness.reset();
  return slot;
}

void TrackService::RequeueAfterReplace(CatalogTransaction& tx, const Track& track,
                                       const Upload& slot, std::string_view owner_id,
                                       Timestamp now) const {
  tx.uploads().Delete(slot.id);
  // Re-enqueueing resets the track's job (new id, fresh attempts), so an attempt still
  // working on the old audio loses its lease and can never commit: whatever it stored is
  // garbage. Earlier attempts were queued when their successors leased.
  std::optional<Job> previous = tx.jobs().FindBySubject(kTranscodeJobKind, track.id);
  if (previous && previous->attempts > 0) {
    tx.blob_deletions().Enqueue(RenditionPrefix(track.id, previous->id, previous->attempts));
  }
  EnqueueTranscode(tx, track.id, owner_id, now);
}

void TrackService::Delete(const Principal& caller, std::string_view id) {
  catalog_.Write([&](CatalogTransaction& tx) {
    Track track = FindTrack(tx, id);
    std::string owner = AlbumOwner(tx, track.album_id).value();
    Resource resource{owner};
    Authorize(caller, Action::kModifyCatalog, &resource);
    tx.tracks().Delete(track.id);
    AppendCatalogEvent(tx, ids_, kTrackDeleted, caller.user_id, track.id, clock_.Now());
    // The rendition rows queue their own blobs. The latest transcode attempt may have stored
    // blobs without rows (killed mid-way: nothing else would ever queue them; still running:
    // it queues them again once it sees the track gone). Earlier attempts were queued when
    // their successors leased.
    std::optional<Job> job = tx.jobs().FindBySubject(kTranscodeJobKind, track.id);
    if (job && job->attempts > 0) {
      tx.blob_deletions().Enqueue(RenditionPrefix(track.id, job->id, job->attempts));
    }
  });
}

OriginalTicket TrackService::IssueOriginalUrl(const Principal& caller, std::string_view id) {
  Track track = catalog_.ReadValue([&](CatalogTransaction& tx) {
    Track found = FindTrack(tx, id);
    std::string owner = AlbumOwner(tx, found.album_id).value();  // outlives the Resource view
    Resource resource{owner};
    Authorize(caller, Action::kModifyCatalog, &resource);
    return found;
  });
  BlobGrantRequest request;
  request.access = BlobAccess::kRead;
  request.key = track.blob_key;
  request.expires_at = clock_.Now() + Millis(options_.stream_ttl);
  request.user_id = caller.user_id;
  if (blobs_.ServesClientsDirectly()) {
    // The bucket would answer with whatever Content-Type the uploader sent (HTML, say, under
    // an origin the edge may share with the web app): the URL names the sniffed type instead,
    // as Cadenza's own blob endpoint does.
    std::unique_ptr<BlobReader> reader = blobs_.Open(track.blob_key);
    if (!reader) throw NotFound("track " + track.id + " has no stored original");
    request.content_type = std::string(SniffAudioContentType(ReadBlobHead(*reader, kAudioSniffBytes)));
  }
  return OriginalTicket{blobs_.Grant(request), track.blob_size};
}

}  // namespace cadenza
