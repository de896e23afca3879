#pragma once
// Applies the outbox's records to the in-process consumers, in seq order. For each consumer,
// one write transaction reads its position (locking it), applies the next records and stores
// the new position: the effects and the position commit together or not at all, so a record
// is never counted twice, a rolled-back batch leaves nothing behind, and a consumer that was
// stopped catches up from its position. Several pumps (processes) may run at once: a
// consumer's batches are serialized by the lock on its position.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ports/catalog.h"
#include "services/events/event_consumers.h"

namespace cadenza {

class EventPump {
 public:
  // `batch`: records applied per transaction (1..1000).
  EventPump(Catalog& catalog, std::vector<std::unique_ptr<EventConsumer>> consumers,
            int batch = 200);

  // One batch for each consumer, in its own transaction; returns the records applied. A
  // consumer that fails (its transaction rolled back) does not stop the others; the first
  // failure is rethrown after all have run. Blocking.
  std::int64_t RunOnce();
  // RunOnce until no consumer has anything left; returns the records applied.
  std::int64_t Drain();

  // The consumers' names, whose positions say how far the outbox has been applied.
  std::vector<std::string> ConsumerNames() const;

 private:
  std::int64_t RunConsumer(EventConsumer& consumer);

  Catalog& catalog_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  int batch_;
};

}  // namespace cadenza
