#include "services/upload_service.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "domain/blob_key.h"
#include "domain/error.h"

namespace cadenza {

namespace {

constexpr std::string_view kBlobPrefix = "/blobs/";
constexpr std::string_view kOriginalsFolder = "originals/";

// Removes the spooled file on every path that does not hand it to the blob store, so that
// refused uploads do not pile up in the spool folder.
class SpoolFileGuard {
 public:
  explicit SpoolFileGuard(std::filesystem::path file) : file_(std::move(file)) {}
  ~SpoolFileGuard() {
    if (armed_) {
      std::error_code ignored;
      std::filesystem::remove(file_, ignored);
    }
  }
  SpoolFileGuard(const SpoolFileGuard&) = delete;
  SpoolFileGuard& operator=(const SpoolFileGuard&) = delete;
  void Release() { armed_ = false; }

 private:
  std::filesystem::path file_;
  bool armed_ = true;
};

// Size and completion time identify one stored version of a slot's bytes: a retried PUT gets
// a new tag, and hashing gigabytes for a tag is avoided.
std::string EntityTag(std::int64_t size, Timestamp completed_at) {
  char tag[48];
  std::snprintf(tag, sizeof tag, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(completed_at));
  return tag;
}

}  // namespace

UploadService::UploadService(Catalog& catalog, BlobStore& blobs, const UrlSigner& signer,
                             const IdGenerator& ids, const Clock& clock, UploadOptions options)
    : catalog_(catalog),
      blobs_(blobs),
      signer_(signer),
      ids_(ids),
      clock_(clock),
      options_(std::move(options)) {}

std::string UploadService::BlobPath(std::string_view key) {
  std::string path(kBlobPrefix);
  path.append(key);
  return path;
}

std::string UploadService::BlobUrl(std::string_view key) const {
  return BlobPath(key);
}

UploadTicket UploadService::IssueSlot(CatalogTransaction& tx, const Principal& caller,
                                      std::optional<std::string> track_id) const {
  Timestamp now = clock_.Now();
  Upload slot;
  slot.id = ids_.Next();
  slot.user_id = caller.user_id;
  slot.blob_key = std::string(kOriginalsFolder) + slot.id;
  slot.track_id = std::move(track_id);
  slot.max_bytes = options_.max_bytes;
  slot.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  slot.created_at = now;
  tx.uploads().Insert(slot);

  SignedGrant grant;
  grant.method = "PUT";
  grant.path = BlobPath(slot.blob_key);
  grant.expires_at = slot.expires_at;
  grant.user_id = caller.user_id;
  grant.max_bytes = slot.max_bytes;

  UploadTicket ticket;
  ticket.track_url = BlobUrl(slot.blob_key);
  ticket.upload_url = ticket.track_url + "?" + signer_.SignQuery(grant);
  ticket.expires_at = slot.expires_at;
  ticket.max_bytes = slot.max_bytes;
  return ticket;
}

SignedGrant UploadService::VerifyBlobUrl(std::string_view method, std::string_view key,
                                         const std::multimap<std::string, std::string>& query) const {
  if (!IsValidBlobKey(key)) throw NotFound("blob not found");
  return signer_.Verify(method, BlobPath(key), query);
}

StoredUpload UploadService::Store(std::string_view key, const SignedGrant& grant,
                                  const std::filesystem::path& spooled_file) const {
  SpoolFileGuard guard(spooled_file);
  if (!IsValidBlobKey(key)) throw NotFound("no upload slot for this URL");
  // The route verified the grant; checking that it is the PUT grant for this very key keeps a
  // GET (stream) signature from ever writing.
  if (grant.method != "PUT" || grant.path != BlobPath(key)) {
    throw PermissionDenied("this URL does not allow uploading to " + BlobPath(key));
  }
  std::error_code ec;
  std::int64_t size = static_cast<std::int64_t>(std::filesystem::file_size(spooled_file, ec));
  if (ec) throw std::runtime_error("spooled upload unreadable: " + spooled_file.string());

  Timestamp now = clock_.Now();
  StoredUpload stored;
  catalog_.Write([&](CatalogTransaction& tx) {
    std::optional<Upload> slot = tx.uploads().FindByBlobKey(key);
    if (!slot) {
      throw NotFound("no upload slot for this URL (it expired or was already used)");
    }
    if (slot->user_id != grant.user_id) {
      throw PermissionDenied("this upload URL was issued to another account");
    }
    if (slot->expires_at < now) throw PermissionDenied("the upload URL has expired");
    if (size == 0) throw Error(ErrorCode::kInvalidArgument, "the upload is empty");
    if (size > slot->max_bytes) {
      throw Error(ErrorCode::kTooLarge, "the upload is larger than the " +
                                            std::to_string(slot->max_bytes) +
                                            " bytes this URL allows");
    }
    // Marking first takes the slot row inside this transaction; the bytes go in last, so a
    // failed write of either rolls back with nothing half-done visible to a claim.
    tx.uploads().MarkCompleted(slot->id, size, now);
    blobs_.PutFile(key, spooled_file);
    guard.Release();
    stored.track_url = BlobUrl(key);
    stored.size_bytes = size;
    stored.etag = EntityTag(size, now);
  });
  return stored;
}

std::string UploadService::BlobKeyFromTrackUrl(std::string_view track_url) const {
  std::string prefix(kBlobPrefix);
  std::string_view key = track_url;
  if (key.starts_with(prefix)) key.remove_prefix(prefix.size());
  if (!IsValidBlobKey(key)) {
    throw InvalidArgument("trackUrl", "trackUrl must be the trackUrl returned with the upload "
                                      "URL (" + prefix + "<key>)");
  }
  return std::string(key);
}

Upload UploadService::FindClaimable(CatalogTransaction& tx, const Principal& caller,
                                    std::string_view key,
                                    const std::optional<std::string>& for_track) const {
  std::optional<Upload> slot = tx.uploads().FindByBlobKey(key);
  if (!slot) {
    throw Error(ErrorCode::kUnprocessable, "no upload for trackUrl (expired or already used)",
                "trackUrl");
  }
  if (slot->user_id != caller.user_id) {
    throw Error(ErrorCode::kPermissionDenied, "trackUrl was issued to another account",
                "trackUrl");
  }
  if (!slot->completed_at || !slot->size || !blobs_.Stat(key)) {
    throw Error(ErrorCode::kUnprocessable, "nothing has been uploaded to trackUrl yet",
                "trackUrl");
  }
  if (!for_track && slot->track_id) {
    throw Error(ErrorCode::kUnprocessable,
                "trackUrl was issued to replace the audio of track " + *slot->track_id +
                    "; send it with PATCH /api/v1/tracks/" + *slot->track_id,
                "trackUrl");
  }
  if (for_track && slot->track_id != *for_track) {
    throw Error(ErrorCode::kUnprocessable,
                "trackUrl was not issued to replace this track's audio; get one from "
                "GET /api/v1/tracks/update-url/" + *for_track,
                "trackUrl");
  }
  std::int64_t limit = std::min(slot->max_bytes, options_.max_bytes);
  if (*slot->size > limit) {
    throw Error(ErrorCode::kTooLarge,
                "the upload at trackUrl is larger than " + std::to_string(limit) + " bytes",
                "trackUrl");
  }
  return *slot;
}

}  // namespace cadenza
