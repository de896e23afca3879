#pragma once
// BlobReader on S3: ranged GETs pinned to the ETag seen at open, with a read-ahead window so
// that small sequential reads do not cost a request each.
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/s3/s3_client.h"
#include "base/mutex.h"
#include "ports/blob_store.h"

namespace cadenza::s3 {

class S3BlobReader final : public BlobReader {
 public:
  // `etag` without quotes. The reader shares the client: it may outlive its store.
  S3BlobReader(std::shared_ptr<const S3Client> client, std::string object_name,
               std::int64_t size, std::string etag);

  std::int64_t size() const override { return size_; }
  // Throws Error(kUnavailable) when the blob was replaced or removed since the open, or S3
  // fails. Thread-safe (reads are serialised).
  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override;

 private:
  // Reads [offset, offset + length) into `out`; returns the count S3 sent.
  std::size_t Fetch(std::int64_t offset, std::size_t length, char* out) const;

  const std::shared_ptr<const S3Client> client_;
  const std::string object_name_;
  const std::int64_t size_;
  const std::string etag_;
  Mutex mutex_;
  std::string window_ GUARDED_BY(mutex_);
  std::int64_t window_offset_ GUARDED_BY(mutex_) = 0;
};

}  // namespace cadenza::s3
