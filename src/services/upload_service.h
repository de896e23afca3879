#pragma once
// Upload slots behind the granted-URL flow: issuing a slot and the blob store's write grant
// for it, storing the bytes a granted PUT delivers, and finding the completed slot a track may
// claim. TrackService and LocalBlobEndpoint compose it; it holds no HTTP types and builds no
// URLs (the grant's URL is the blob store's, the trackUrl the API's).
//
// Storing an upload never holds a write transaction while bytes move: the slot is checked in
// a read, the bytes are put, and a short write transaction marks the slot complete with the
// size the store reports for the blob at that moment. A claim compares that size with the
// store's again inside its own transaction, so it never takes bytes other than those it sized.
// A crash between the put and the mark leaves an unmarked blob under the slot's key, which a
// retried PUT overwrites or the sweep of the expired slot removes.
//
// A store that serves clients directly takes the PUT itself (Store is never called): the
// claim then sizes the blob with Stat, and that size is what the track records and what
// the storage quota counts.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "domain/entities.h"
#include "domain/principal.h"
#include "domain/time.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/account_limits.h"
#include "services/id_generator.h"

namespace cadenza {

struct UploadOptions {
  std::chrono::seconds ttl{3600};  // how long an upload URL (and its slot) stays usable
  std::int64_t max_bytes = 2LL << 30;
  AccountLimits limits;  // open slots and stored bytes, checked when a slot is issued
};

// What GET /tracks/upload-url and /tracks/update-url/{id} answer.
struct UploadTicket {
  std::string blob_key;  // the slot's key: what the client names when it claims the upload
  BlobGrant grant;       // the store's write grant for that key: url, expiry, max bytes
};

// What a successful upload answers.
struct StoredUpload {
  std::string blob_key;
  std::int64_t size_bytes = 0;
  // Opaque (a hash of the store's version of the blob): different for every stored version,
  // for the API to make an entity tag from.
  std::string version;
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks.
class UploadService {
 public:
  UploadService(Catalog& catalog, BlobStore& blobs, const IdGenerator& ids, const Clock& clock,
                UploadOptions options);

  // Inserts a slot for `caller` inside `tx` (blob key "originals/<new id>", expiring ttl from
  // now; `track_id` set for a replacement) and asks the blob store for its write grant (no
  // bytes move: granting is signing). The caller must already be authorized. Unless the
  // caller is exempt (account_limits.h): Error(kTooManyRequests) when it already holds
  // max_open_uploads open slots, Error(kPermissionDenied) when its stored bytes (less the
  // replaced track's original, for a replacement) leave no room under max_stored_bytes; the
  // slot's size limit is lowered to that room.
  UploadTicket IssueSlot(CatalogTransaction& tx, const Principal& caller,
                         std::optional<std::string> track_id) const;

  // Stores the file `body` as the bytes of the slot for `key` on behalf of `user_id` (whom
  // the write grant names), then marks the slot completed with the stored size; a repeated
  // upload before the claim replaces the bytes. `body` is consumed (moved into the store or
  // removed) on success and on failure. Throws Error: kNotFound when there is no open slot
  // for `key` (never issued, expired and swept, or already claimed, also when that happens
  // while the bytes are stored), kPermissionDenied when the slot belongs to another user or
  // has expired, kInvalidArgument "the upload is empty", kTooLarge past the slot's limit; the
  // store's errors (kInvalidArgument for a key that cannot name a blob, kUnavailable).
  StoredUpload Store(std::string_view key, std::string_view user_id,
                     const std::filesystem::path& body) const;

  // The completed slot for `key` that `caller` may claim inside `tx`: for a new track when
  // `for_track` is nullopt, else to replace the blob of track `*for_track`. Throws Error with
  // field "trackUrl": kUnprocessable when there is no such slot, nothing was uploaded yet (or
  // the stored bytes are not those the slot was marked with: an upload is still landing), or
  // the slot was issued for the other purpose (or another track); kPermissionDenied when it
  // was issued to another user; kTooLarge when the stored size exceeds the limit.
  // With a store that serves clients directly (BlobStore::ServesClientsDirectly) no slot is
  // ever marked: the store is asked (Stat) instead. No blob is "nothing has been uploaded",
  // an empty one kUnprocessable "the upload at trackUrl is empty", and one above the limit
  // is removed from the store before kTooLarge (naming both sizes), since the store could
  // not refuse it. The returned slot's `size` is then the size Stat reports.
  Upload FindClaimable(CatalogTransaction& tx, const Principal& caller, std::string_view key,
                       const std::optional<std::string>& for_track) const;

  std::int64_t max_bytes() const { return options_.max_bytes; }

 private:
  // The open slot for `key` that `user_id` may upload to now; throws as Store does.
  Upload CheckUploadable(CatalogTransaction& tx, std::string_view key, std::string_view user_id,
                         Timestamp now) const;

  Catalog& catalog_;
  BlobStore& blobs_;
  const IdGenerator& ids_;
  const Clock& clock_;
  UploadOptions options_;
};

}  // namespace cadenza
