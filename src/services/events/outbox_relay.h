#pragma once
// Publishes the transactional outbox (ports/event_outbox.h) to the event streaming platform
// (ports/event_bus.h): reads the records not yet marked published, in seq order, hands them
// to EventPublisher::Publish and, only once Publish has returned, marks them published in a
// write transaction of its own.
//
// Delivery is at least once: a relay that dies (or whose marking fails) after Publish returned
// and before the mark committed publishes those records again; consumers dedup by Event::id.
//
// Several relays (one per worker process) may run at once, without any lock between them:
// each may publish a record another is publishing, which is a duplicate and nothing more.
// A lease was not worth it: it would have to be held across Publish (up to the publisher's
// timeout) in the catalogue, and duplicates are already harmless. Order per key still holds
// for the first copy of each event: a relay publishes a record only with every unpublished
// record of smaller seq before it in the same ordered batch (outbox readers see a prefix), so
// an event is never first published before an earlier one of its key.
#include <cstdint>

#include "ports/catalog.h"
#include "ports/event_bus.h"

namespace cadenza {

class OutboxRelay {
 public:
  // `batch`: records published per Publish call (1..1000). Both must outlive the relay.
  OutboxRelay(Catalog& catalog, EventPublisher& publisher, int batch = 200);

  // Publishes and marks the next batch; returns the records marked (0: nothing was pending).
  // Throws what Publish throws (Error kUnavailable: nothing marked, the batch is published
  // again next time) and the catalogue's errors. Blocking.
  std::int64_t RunOnce();
  // RunOnce until nothing is pending or `max_batches` batches ran (so that a caller that must
  // stop is not held by a steady stream); returns the records marked.
  std::int64_t Drain(int max_batches = 50);

 private:
  Catalog& catalog_;
  EventPublisher& publisher_;
  int batch_;
};

}  // namespace cadenza
