#pragma once
// The use case behind the URLs LocalBlobStore hands out as its grants, which Cadenza serves
// itself (api/blob_routes.cc; the composition root mounts it only where the local store is
// used, since a remote store's grants point at the remote store): checks the signed query of
// a request, stores a granted PUT's body in its upload slot, opens a granted GET's blob.
//
// A remote store needs none of this: its pre-signed URLs are checked by the store, and its
// uploads are completed when they are claimed.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "domain/time.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "services/upload_service.h"
#include "services/url_signer.h"

namespace cadenza {

// A blob opened for a granted GET.
struct BlobDownload {
  std::unique_ptr<BlobReader> reader;
  std::string content_type;  // sniffed from the first bytes (services/audio_sniff.h)
  Timestamp expires_at = 0;  // when the grant ends
  Timestamp opened_at = 0;   // the endpoint's clock when it was opened
};

// Thread-safe (references to thread-safe collaborators only). Every method blocks.
class LocalBlobEndpoint {
 public:
  // `signer` must be the one the local store signs its grants with.
  LocalBlobEndpoint(UploadService& uploads, BlobStore& blobs, const UrlSigner& signer,
                    const Clock& clock);

  // The grant the signed `query` (decoded parameters) carries for `access` on `key`: a write
  // grant for PUT, a read grant for GET and HEAD. Throws Error(kNotFound) for a key that
  // cannot name a blob and Error(kPermissionDenied) with the reason when the signature is
  // missing, malformed, altered, for another method or key, or expired (url_signer.h).
  SignedGrant Verify(BlobAccess access, std::string_view key,
                     const std::multimap<std::string, std::string>& query) const;

  // Stores the file `body` (a granted PUT's body, spooled) as the bytes of the upload slot
  // `grant` names; `body` is consumed on success and on failure. Throws
  // Error(kPermissionDenied) unless `grant` is a write grant from Verify, then the errors of
  // UploadService::Store.
  StoredUpload StoreUpload(const SignedGrant& grant, const std::filesystem::path& body) const;

  // Opens the blob a read grant from Verify names. Throws Error(kPermissionDenied) for any
  // other grant, Error(kNotFound, "blob not found") when there is no such blob.
  BlobDownload Open(const SignedGrant& grant) const;

  // The largest PUT body accepted before a grant lowers it.
  std::int64_t max_upload_bytes() const { return uploads_.max_bytes(); }

 private:
  UploadService& uploads_;
  BlobStore& blobs_;
  const UrlSigner& signer_;
  const Clock& clock_;
};

}  // namespace cadenza
