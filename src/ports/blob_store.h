#pragma once
// Object storage for audio and images, apart from the database. Keys: see domain/blob_key.h.
// Implementations: adapters/localfs (a folder; its URLs are Cadenza's own signed /blobs URLs);
// adapters/s3 (S3-compatible object storage; its URLs are pre-signed bucket URLs). Every
// implementation must pass the conformance suite in tests/unit/blob_store/.
//
// The port speaks of bytes and keys only: a store may be a local folder or a remote service,
// so nothing here assumes a shared filesystem. Callers that need a local file (the transcoder
// reads local files only) copy a blob out explicitly (services/blob_files.h).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/blob_key.h"
#include "domain/time.h"

namespace cadenza {

struct BlobInfo {
  std::int64_t size = 0;
  Timestamp modified_at = 0;
  // Opaque; different whenever the blob's bytes are replaced (an S3 ETag, a file's identity).
  // Not for clients: hash it before it goes into a response.
  std::string version;
};

// The bytes of one put, read once from front to back. Blocking.
class BlobSource {
 public:
  virtual ~BlobSource() = default;
  // The total size when it is known before reading (a file), nullopt for a stream.
  virtual std::optional<std::int64_t> size() const = 0;
  // Reads up to `n` bytes into `out`; returns the count, 0 only at the end. Throws on failure.
  virtual std::size_t Read(char* out, std::size_t n) = 0;
  // A local file holding exactly these bytes that the store may take over (rename into
  // place, leaving nothing at the path) instead of reading it; nullptr when there is none.
  // Stores that cannot use a file (a remote store) read the source as usual.
  virtual const std::filesystem::path* TakeableFile() const { return nullptr; }
};

// Bytes already in memory. Keeps a view: `bytes` must outlive the source.
class BytesBlobSource final : public BlobSource {
 public:
  explicit BytesBlobSource(std::string_view bytes) : bytes_(bytes) {}
  std::optional<std::int64_t> size() const override {
    return static_cast<std::int64_t>(bytes_.size());
  }
  std::size_t Read(char* out, std::size_t n) override {
    std::size_t count = bytes_.copy(out, n);
    bytes_.remove_prefix(count);
    return count;
  }

 private:
  std::string_view bytes_;
};

// Reads part of a stored blob (ranged reads at any offset). Blocking: call from blocking-work
// threads. A reader sees one version of the blob even if it is replaced meanwhile.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual std::int64_t size() const = 0;
  // Reads up to `n` bytes at `offset` into `out`; returns the count (0 only at the end).
  // Throws std::invalid_argument for a negative offset.
  virtual std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) = 0;
};

struct ListedBlob {
  std::string key;
  BlobInfo info;
};

// One page of a listing, keys in ascending byte order.
struct BlobListing {
  std::vector<ListedBlob> blobs;
  // Pass as `after` for the next page; nullopt on the last page.
  std::optional<std::string> next_after;
};

enum class BlobAccess { kRead, kWrite };

// What a client handed a URL may do: read one blob, or write one blob of at most max_bytes.
struct BlobGrantRequest {
  BlobAccess access = BlobAccess::kRead;
  std::string key;
  Timestamp expires_at = 0;
  std::int64_t max_bytes = 0;  // kWrite: the largest body the URL accepts (> 0); kRead: 0
  // On whose behalf. A store that can bind it into the URL does (the local store signs it);
  // others ignore it, so callers still check ownership where it matters.
  std::string user_id;
  // kRead on a store that serves clients itself: the Content-Type and Cache-Control its
  // answer carries (S3 signs them into the URL as response-* overrides), since no Cadenza
  // route is there to set them. Empty: the store's own. Stores Cadenza serves ignore them.
  std::string content_type;
  std::string cache_control;
};

// A time-limited URL for one blob, as the store hands it out.
struct BlobGrant {
  BlobAccess access = BlobAccess::kRead;
  std::string method;  // the HTTP method the URL takes: "GET" (also HEAD) or "PUT"
  // Absolute ("https://bucket.example/...") or root-relative ("/blobs/..."): the API puts its
  // public base in front of a root-relative one.
  std::string url;
  Timestamp expires_at = 0;    // may be earlier than requested (stores cap lifetimes)
  std::int64_t max_bytes = 0;  // kWrite only: bodies above it are refused
};

// Signs the grants of a store whose URLs Cadenza serves itself (LocalBlobStore): the store
// builds the URL, the signer the query that proves it, and the endpoint serving those URLs
// checks the query with the same signer (services/url_signer.h implements it).
class BlobGrantSigner {
 public:
  virtual ~BlobGrantSigner() = default;
  // The query string (no leading '?') that authorises `request`.
  virtual std::string SignQuery(const BlobGrantRequest& request) const = 0;
};

// All methods are thread-safe and blocking. Invalid keys throw Error(kInvalidArgument,
// "invalid blob key"); store failures throw Error(kUnavailable) with the reason.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores the bytes of `source` under `key`, replacing any blob there, atomically (readers
  // see the old blob or the whole new one, never a part) and durably (on stable storage
  // before it returns). Returns what was stored, as the store measured it. When the source
  // throws or the store fails, nothing changes under `key` and the exception propagates.
  virtual BlobInfo PutFrom(std::string_view key, BlobSource& source) = 0;

  // Stores `bytes` under `key`; see PutFrom.
  BlobInfo Put(std::string_view key, std::string_view bytes) {
    BytesBlobSource source(bytes);
    return PutFrom(key, source);
  }

  // Nullopt when there is no blob under `key`.
  virtual std::optional<BlobInfo> Stat(std::string_view key) = 0;

  // Opens the blob for ranged reads; nullptr when there is none.
  virtual std::unique_ptr<BlobReader> Open(std::string_view key) = 0;

  // Up to `limit` (> 0) blobs whose keys start with `prefix` and sort after `after` (empty:
  // from the start). `prefix` is empty (every blob) or a valid key followed by '/'; other
  // forms throw Error(kInvalidArgument). Blobs put or removed while a listing is paged may
  // or may not appear.
  virtual BlobListing List(std::string_view prefix, std::string_view after, int limit) = 0;

  // Removes the blob; removing a missing blob is not an error.
  virtual void Remove(std::string_view key) = 0;

  // Removes every blob whose key starts with `prefix`, which must be a valid key followed by
  // '/' ("renditions/<track>/<attempt>/"); other forms throw Error(kInvalidArgument). Removing
  // a prefix with no blobs under it is not an error. Blobs put under the prefix while it is
  // being removed may survive: callers remove a prefix only once nothing writes there.
  virtual void RemovePrefix(std::string_view prefix) = 0;

  // A URL through which a client may read `request.key`, or write it with at most
  // `request.max_bytes` bytes, until the returned expiry. Checks the key (kInvalidArgument)
  // but not that a blob exists. Throws Error(kUnavailable) when the store cannot hand out
  // URLs (a local store built without a signer).
  virtual BlobGrant Grant(const BlobGrantRequest& request) = 0;

  // True when the store can be written and read now (for /readyz).
  virtual bool Healthy() = 0;

  // True when Grant's URLs point at the store itself (absolute pre-signed URLs of a bucket),
  // so clients put and fetch bytes there and no byte of them passes through Cadenza: nothing
  // sees an upload land (a claim must Stat the blob), a write grant's max_bytes may not be
  // enforced (a claim must check the size), and media and covers are handed out as the
  // store's read grants instead of being relayed. False (the default) when Cadenza serves the
  // URLs itself (the local store's /blobs routes).
  virtual bool ServesClientsDirectly() const { return false; }
};

// The HTTP method a grant's URL takes.
inline std::string_view GrantMethod(BlobAccess access) {
  return access == BlobAccess::kWrite ? "PUT" : "GET";
}

}  // namespace cadenza
