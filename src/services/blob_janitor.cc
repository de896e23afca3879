#include "services/blob_janitor.h"

#include <algorithm>
#include <string>
#include <vector>

#include "domain/entities.h"

namespace cadenza {

BlobJanitor::BlobJanitor(Catalog& catalog, BlobStore& blobs, const Clock& clock,
                         JanitorOptions options)
    : catalog_(catalog), blobs_(blobs), clock_(clock), options_(options) {
  options_.batch_size = std::max(1, options_.batch_size);
}

int BlobJanitor::SweepExpiredUploads() {
  Timestamp cutoff =
      clock_.Now() - std::chrono::duration_cast<std::chrono::milliseconds>(options_.claim_grace).count();
  int swept = 0;
  for (;;) {
    int batch = catalog_.WriteValue([&](CatalogTransaction& tx) {
      std::vector<Upload> expired = tx.uploads().ListExpired(cutoff, options_.batch_size);
      for (const Upload& upload : expired) tx.uploads().Delete(upload.id);
      return static_cast<int>(expired.size());
    });
    swept += batch;
    if (batch < options_.batch_size) return swept;
  }
}

int BlobJanitor::DrainBlobDeletions() {
  int removed = 0;
  for (;;) {
    std::vector<std::string> keys = catalog_.ReadValue(
        [&](CatalogTransaction& tx) { return tx.blob_deletions().Peek(options_.batch_size); });
    std::vector<std::string> gone;
    for (const std::string& key : keys) {
      try {
        // A key ending in '/' is a prefix: everything an abandoned transcode attempt stored.
        if (key.ends_with('/')) {
          blobs_.RemovePrefix(key);
        } else {
          blobs_.Remove(key);
        }
        gone.push_back(key);
      } catch (const std::exception&) {
        // Stays queued: the store may be back next run, and a key is never lost while its
        // blob might still exist.
      }
    }
    if (!gone.empty()) {
      catalog_.Write([&](CatalogTransaction& tx) {
        for (const std::string& key : gone) tx.blob_deletions().Remove(key);
      });
    }
    removed += static_cast<int>(gone.size());
    // A short batch is the end of the queue; a batch with no progress means the rest failed
    // and would only be peeked again.
    if (static_cast<int>(keys.size()) < options_.batch_size || gone.empty()) return removed;
  }
}

JanitorReport BlobJanitor::RunOnce() {
  JanitorReport report;
  report.swept_uploads = SweepExpiredUploads();
  report.removed_blobs = DrainBlobDeletions();
  return report;
}

}  // namespace cadenza
