#pragma once
// Upload slots behind the signed-URL flow: issuing a slot and its signed PUT URL, storing the
// bytes a signed PUT delivers, and finding the completed slot a track may claim. TrackService
// composes it; it holds no HTTP types (the blob route passes the key, the verified grant and
// the spooled file).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/entities.h"
#include "domain/principal.h"
#include "domain/time.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/id_generator.h"
#include "services/url_signer.h"

namespace cadenza {

struct UploadOptions {
  std::chrono::seconds ttl{3600};  // how long an upload URL (and its slot) stays usable
  std::int64_t max_bytes = 2LL << 30;
};

// What GET /tracks/upload-url and /tracks/update-url/{id} answer.
struct UploadTicket {
  std::string upload_url;  // signed: PUT the bytes here
  std::string track_url;   // unsigned reference to send back in POST/PATCH /tracks
  std::string method = "PUT";
  Timestamp expires_at = 0;
  std::int64_t max_bytes = 0;
};

// What a successful signed PUT answers.
struct StoredUpload {
  std::string track_url;
  std::int64_t size_bytes = 0;
  std::string etag;  // quoted entity tag, e.g. "\"1a2b-3c\""
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks.
class UploadService {
 public:
  UploadService(Catalog& catalog, BlobStore& blobs, const UrlSigner& signer,
                const IdGenerator& ids, const Clock& clock, UploadOptions options);

  // Inserts a slot for `caller` inside `tx` (blob key "originals/<new id>", expiring ttl from
  // now; `track_id` set for a replacement) and signs its PUT URL. The caller must already be
  // authorized.
  UploadTicket IssueSlot(CatalogTransaction& tx, const Principal& caller,
                         std::optional<std::string> track_id) const;

  // Verifies a signed /blobs URL for `method` ("PUT" or "GET") on `key`. Throws
  // Error(kNotFound) for a key that cannot name a blob and Error(kPermissionDenied) with the
  // reason when the signature is missing, expired, altered or for another method or path.
  SignedGrant VerifyBlobUrl(std::string_view method, std::string_view key,
                            const std::multimap<std::string, std::string>& query) const;

  // Stores the spooled file as the bytes of the slot for `key`, marking the slot completed
  // with its size; a repeated PUT before the claim replaces the bytes. `spooled_file` is
  // consumed on success and on failure. Throws Error: kNotFound when there is no open slot
  // for `key` (never issued, expired and swept, or already claimed), kPermissionDenied when
  // the grant is not a PUT grant for `key` or the slot belongs to another user,
  // kInvalidArgument "the upload is empty", kTooLarge past the slot's limit.
  // Slot check, MarkCompleted and PutFile happen in one write transaction, so a concurrent
  // claim can never see bytes other than those it sized.
  StoredUpload Store(std::string_view key, const SignedGrant& grant,
                     const std::filesystem::path& spooled_file) const;

  // The blob key a client's trackUrl refers to: "/blobs/" + key (the API has taken off the
  // public base, see api/public_base.h), or the bare key. Throws Error(kInvalidArgument, field "trackUrl") for anything else.
  std::string BlobKeyFromTrackUrl(std::string_view track_url) const;

  // The completed slot for `key` that `caller` may claim inside `tx`: for a new track when
  // `for_track` is nullopt, else to replace the blob of track `*for_track`. Throws Error with
  // field "trackUrl": kUnprocessable when there is no such slot, nothing was uploaded yet, or
  // the slot was issued for the other purpose (or another track); kPermissionDenied when it
  // was issued to another user; kTooLarge when the stored size exceeds the limit.
  Upload FindClaimable(CatalogTransaction& tx, const Principal& caller, std::string_view key,
                       const std::optional<std::string>& for_track) const;

  // "/blobs/" + key (no signature), root-relative: the API puts the public base in front.
  std::string BlobUrl(std::string_view key) const;
  // The path a /blobs signature covers: "/blobs/" + key.
  static std::string BlobPath(std::string_view key);

  std::filesystem::path SpoolDirectory() const { return blobs_.SpoolDirectory(); }
  std::int64_t max_bytes() const { return options_.max_bytes; }

 private:
  Catalog& catalog_;
  BlobStore& blobs_;
  const UrlSigner& signer_;
  const IdGenerator& ids_;
  const Clock& clock_;
  UploadOptions options_;
};

}  // namespace cadenza
