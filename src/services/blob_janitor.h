#pragma once
// Blob garbage collection. The catalogue queues a blob key whenever the last row that
// references it goes (a deleted or re-pointed track, a deleted upload slot nobody claimed);
// the janitor removes those blobs after the transaction committed, and deletes upload slots
// that expired unclaimed. The app runs it periodically; concurrent runs (several processes on
// one database) are harmless.
#include <chrono>

#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"

namespace cadenza {

struct JanitorOptions {
  // How long after an upload slot expires it may still be claimed: a client whose PUT
  // finished just before expiry still gets to POST the track.
  std::chrono::seconds claim_grace{3600};
  // Rows handled per transaction, so one sweep never holds the writer for long.
  int batch_size = 100;
};

struct JanitorReport {
  int swept_uploads = 0;
  int removed_blobs = 0;
};

// Thread-safe; blocking (database and blob store).
class BlobJanitor {
 public:
  BlobJanitor(Catalog& catalog, BlobStore& blobs, const Clock& clock, JanitorOptions options = {});

  // Deletes upload slots whose expires_at + claim_grace is before now; the catalogue queues
  // their blobs. Returns how many slots were deleted.
  int SweepExpiredUploads();

  // Removes every queued blob from the store and then from the queue; a queued entry ending
  // in '/' is a prefix and removes every blob under it (BlobStore::RemovePrefix). An entry
  // whose removal fails stays queued for the next run. Returns how many entries left the queue.
  int DrainBlobDeletions();

  // SweepExpiredUploads, then DrainBlobDeletions (so swept blobs go in the same run).
  JanitorReport RunOnce();

 private:
  Catalog& catalog_;
  BlobStore& blobs_;
  const Clock& clock_;
  JanitorOptions options_;
};

}  // namespace cadenza
