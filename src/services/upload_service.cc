#include "services/upload_service.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "domain/error.h"
#include "ports/crypto.h"
#include "services/blob_files.h"

namespace cadenza {

namespace {

constexpr std::string_view kOriginalsFolder = "originals/";
// Hex digits of the version hash: 128 bits tell stored versions apart.
constexpr std::size_t kVersionHexDigits = 32;

// Removes the uploaded file on every path that does not hand it to the blob store, so that
// refused uploads do not pile up in the spool folder.
class BodyFileGuard {
 public:
  explicit BodyFileGuard(std::filesystem::path file) : file_(std::move(file)) {}
  ~BodyFileGuard() {
    std::error_code ignored;
    std::filesystem::remove(file_, ignored);  // gone already when the store moved it
  }
  BodyFileGuard(const BodyFileGuard&) = delete;
  BodyFileGuard& operator=(const BodyFileGuard&) = delete;

 private:
  std::filesystem::path file_;
};

std::int64_t FileSizeOf(const std::filesystem::path& file) {
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) throw std::runtime_error("uploaded body unreadable: " + file.string());
  return static_cast<std::int64_t>(size);
}

void CheckSize(std::int64_t size, const Upload& slot) {
  if (size == 0) throw Error(ErrorCode::kInvalidArgument, "the upload is empty");
  if (size > slot.max_bytes) {
    throw Error(ErrorCode::kTooLarge, "the upload is larger than the " +
                                          std::to_string(slot.max_bytes) +
                                          " bytes this URL allows");
  }
}

}  // namespace

UploadService::UploadService(Catalog& catalog, BlobStore& blobs, const IdGenerator& ids,
                             const Clock& clock, UploadOptions options)
    : catalog_(catalog), blobs_(blobs), ids_(ids), clock_(clock), options_(options) {}

UploadTicket UploadService::IssueSlot(CatalogTransaction& tx, const Principal& caller,
                                      std::optional<std::string> track_id) const {
  Timestamp now = clock_.Now();
  std::int64_t max_bytes = options_.max_bytes;
  if (!IsExemptFromLimits(caller)) {
    CheckOpenUploads(tx, caller, options_.limits, now);
    std::int64_t stored = StoredBytes(tx, caller.user_id);
    // A replacement frees the original it replaces once claimed.
    if (track_id) {
      if (std::optional<Track> track = tx.tracks().FindById(*track_id)) stored -= track->blob_size;
    }
    max_bytes = std::min(max_bytes, StorageRoom(stored, options_.limits));
  }
  Upload slot;
  slot.id = ids_.Next();
  slot.user_id = caller.user_id;
  slot.blob_key = std::string(kOriginalsFolder) + slot.id;
  slot.track_id = std::move(track_id);
  slot.max_bytes = max_bytes;
  slot.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  slot.created_at = now;
  tx.uploads().Insert(slot);

  BlobGrantRequest request;
  request.access = BlobAccess::kWrite;
  request.key = slot.blob_key;
  request.expires_at = slot.expires_at;
  request.max_bytes = slot.max_bytes;
  request.user_id = caller.user_id;
  return UploadTicket{slot.blob_key, blobs_.Grant(request)};
}

Upload UploadService::CheckUploadable(CatalogTransaction& tx, std::string_view key,
                                      std::string_view user_id, Timestamp now) const {
  std::optional<Upload> slot = tx.uploads().FindByBlobKey(key);
  if (!slot) throw NotFound("no upload slot for this URL (it expired or was already used)");
  if (slot->user_id != user_id) {
    throw PermissionDenied("this upload URL was issued to another account");
  }
  if (slot->expires_at < now) throw PermissionDenied("the upload URL has expired");
  return *std::move(slot);
}

StoredUpload UploadService::Store(std::string_view key, std::string_view user_id,
                                  const std::filesystem::path& body) const {
  BodyFileGuard guard(body);
  const std::int64_t size = FileSizeOf(body);
  // Refuse before any byte moves, so a refused upload never replaces stored bytes.
  Upload slot = catalog_.ReadValue(
      [&](CatalogTransaction& tx) { return CheckUploadable(tx, key, user_id, clock_.Now()); });
  CheckSize(size, slot);

  FileBlobSource source(body, /*takeable=*/true);
  blobs_.PutFrom(key, source);

  StoredUpload stored;
  catalog_.Write([&](CatalogTransaction& tx) {
    Timestamp now = clock_.Now();
    Upload current = CheckUploadable(tx, key, user_id, now);
    // The size of what is stored now, which a later upload may have replaced meanwhile: the
    // mark always describes the bytes a claim will find (FindClaimable checks it again).
    std::optional<BlobInfo> info = blobs_.Stat(key);
    if (!info) throw NotFound("no upload slot for this URL (it expired or was already used)");
    CheckSize(info->size, current);
    tx.uploads().MarkCompleted(current.id, info->size, now);
    stored.blob_key = std::string(key);
    stored.size_bytes = info->size;
    stored.version =
        crypto::Sha256Hex(std::string(key) + "\n" + info->version).substr(0, kVersionHexDigits);
  });
  return stored;
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
  const bool direct = blobs_.ServesClientsDirectly();
  std::optional<BlobInfo> stored;
  // A direct store's PUTs never pass through Cadenza, so no slot is ever marked: whatever
  // the store holds under the key now is the upload.
  if (direct || (slot->completed_at && slot->size)) stored = blobs_.Stat(key);
  if (!stored) {
    throw Error(ErrorCode::kUnprocessable, "nothing has been uploaded to trackUrl yet",
                "trackUrl");
  }
  if (direct) {
    if (stored->size == 0) {
      throw Error(ErrorCode::kUnprocessable, "the upload at trackUrl is empty", "trackUrl");
    }
    slot->size = stored->size;
  } else if (stored->size != *slot->size) {
    throw Error(ErrorCode::kUnprocessable,
                "the upload to trackUrl is still being stored; retry once its PUT has answered",
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
  if (direct && *slot->size > limit) {
    // The store could not hold the PUT to the limit; the bytes must not stay or count.
    blobs_.Remove(key);
    throw Error(ErrorCode::kTooLarge,
                "the upload at trackUrl is " + std::to_string(*slot->size) +
                    " bytes, larger than the " + std::to_string(limit) +
                    " bytes its upload URL allows; it was removed, upload a smaller file",
                "trackUrl");
  }
  if (*slot->size > limit) {
    throw Error(ErrorCode::kTooLarge,
                "the upload at trackUrl is larger than " + std::to_string(limit) + " bytes",
                "trackUrl");
  }
  return *slot;
}

}  // namespace cadenza
