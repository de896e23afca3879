#pragma once
// Object storage for audio and images, apart from the database. Keys: see domain/blob_key.h.
// Implementations: adapters/localfs (a folder); S3-compatible stores later.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/blob_key.h"
#include "domain/time.h"

namespace cadenza {

struct BlobInfo {
  std::int64_t size = 0;
  Timestamp modified_at = 0;
};

// Reads part of a stored blob. Blocking: call from blocking-work threads.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual std::int64_t size() const = 0;
  // Reads up to `n` bytes at `offset` into `out`; returns the count (0 only at the end).
  virtual std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) = 0;
};

// All methods are thread-safe and blocking. Invalid keys throw Error(kInvalidArgument).
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores the file at `source` under `key` atomically (readers see the old blob or the whole
  // new one, never a part) and durably (fsynced before it returns). `source` is consumed: it is
  // moved when it can be, otherwise copied and removed.
  virtual void PutFile(std::string_view key, const std::filesystem::path& source) = 0;

  // Stores `bytes` under `key`, atomically and durably.
  virtual void Put(std::string_view key, std::string_view bytes) = 0;

  virtual std::optional<BlobInfo> Stat(std::string_view key) = 0;

  // Opens the blob for reading; nullptr when there is none.
  virtual std::unique_ptr<BlobReader> Open(std::string_view key) = 0;

  // Removes the blob; removing a missing blob is not an error.
  virtual void Remove(std::string_view key) = 0;

  // Removes every blob whose key starts with `prefix`, which must be a valid key followed by
  // '/' ("renditions/<track>/<attempt>/"); other forms throw Error(kInvalidArgument). Removing
  // a prefix with no blobs under it is not an error. Blobs put under the prefix while it is
  // being removed may survive: callers remove a prefix only once nothing writes there.
  virtual void RemovePrefix(std::string_view prefix) = 0;

  // A folder on the same filesystem where callers may spool a file before PutFile, so that
  // PutFile can rename instead of copy.
  virtual std::filesystem::path SpoolDirectory() const = 0;

  // True when the store can be written and read now (for /readyz).
  virtual bool Healthy() = 0;
};

}  // namespace cadenza
