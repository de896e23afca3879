#include "services/local_blob_endpoint.h"

#include "domain/blob_key.h"
#include "domain/error.h"
#include "services/audio_sniff.h"
#include "services/blob_files.h"

namespace cadenza {

LocalBlobEndpoint::LocalBlobEndpoint(UploadService& uploads, BlobStore& blobs,
                                     const UrlSigner& signer, const Clock& clock)
    : uploads_(uploads), blobs_(blobs), signer_(signer), clock_(clock) {}

SignedGrant LocalBlobEndpoint::Verify(BlobAccess access, std::string_view key,
                                      const std::multimap<std::string, std::string>& query) const {
  if (!IsValidBlobKey(key)) throw NotFound("blob not found");
  return signer_.Verify(GrantMethod(access), key, query);
}

StoredUpload LocalBlobEndpoint::StoreUpload(const SignedGrant& grant,
                                            const std::filesystem::path& body) const {
  // Checking that it is a write grant keeps a GET (download) signature from ever writing.
  if (grant.method != GrantMethod(BlobAccess::kWrite)) {
    std::error_code ignored;
    std::filesystem::remove(body, ignored);
    throw PermissionDenied("this URL does not allow uploading to " + grant.key);
  }
  return uploads_.Store(grant.key, grant.user_id, body);
}

BlobDownload LocalBlobEndpoint::Open(const SignedGrant& grant) const {
  if (grant.method != GrantMethod(BlobAccess::kRead)) {
    throw PermissionDenied("this URL does not allow reading " + grant.key);
  }
  BlobDownload download;
  download.reader = blobs_.Open(grant.key);
  if (!download.reader) throw NotFound("blob not found");
  download.content_type =
      std::string(SniffAudioContentType(ReadBlobHead(*download.reader, kAudioSniffBytes)));
  download.expires_at = grant.expires_at;
  download.opened_at = clock_.Now();
  return download;
}

}  // namespace cadenza
