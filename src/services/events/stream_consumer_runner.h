#pragma once
// Applies events read from the event streaming platform (a consumer group's member:
// ports/event_bus.h's EventSubscription) to the same consumers as the embedded EventPump
// (event_consumers.h), each event once however often it is delivered.
//
// One batch = one Poll, then ONE write transaction that, for every event and every consumer
// following its type, records (consumer, event id) as consumed (EventOutbox::MarkConsumed) and
// applies the event only when that pair was new; then, only after that transaction committed,
// the subscription's offsets are committed. A runner that dies before its transaction commits
// leaves nothing behind and the group redelivers; one that dies between the commit and the
// offset commit gets the batch again and skips it as consumed.
//
// The consumed pairs are forgotten after options.dedup_retention: an event redelivered later
// than that (a relay that was down that long between Publish and marking, or offsets reset by
// hand) would be applied again.
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/event_bus.h"
#include "services/events/event_consumers.h"

namespace cadenza {

struct StreamConsumerOptions {
  int batch = 500;  // events per Poll and per transaction (1..1000)
  std::chrono::milliseconds poll_timeout{500};
  std::chrono::milliseconds dedup_retention{std::chrono::hours(24 * 7)};
  // How often consumed pairs older than dedup_retention are looked for.
  std::chrono::milliseconds prune_interval{std::chrono::hours(1)};
};

class StreamConsumerRunner {
 public:
  // Dependencies must outlive the runner. Used from one thread (the subscription's).
  StreamConsumerRunner(Catalog& catalog, EventSubscription& subscription, const Clock& clock,
                       std::vector<std::unique_ptr<EventConsumer>> consumers,
                       StreamConsumerOptions options = {});

  // Polls one batch, applies it and commits the offsets; returns the events polled (0: none
  // arrived within poll_timeout). Throws the subscription's Error(kUnavailable) and the
  // catalogue's errors; nothing is committed to the platform then, so the batch comes again.
  // Blocking.
  std::int64_t RunOnce();
  // RunOnce until a poll brings nothing or `max_batches` batches ran; returns the events.
  std::int64_t Drain(int max_batches = 50);

  // Since construction: (consumer, event) pairs applied, and pairs skipped as consumed
  // before (duplicates delivered by the platform).
  std::int64_t applied() const { return applied_; }
  std::int64_t skipped() const { return skipped_; }

 private:
  struct Counts {
    std::int64_t applied = 0;
    std::int64_t skipped = 0;
  };
  Counts Apply(CatalogTransaction& tx, const std::vector<Event>& events, Timestamp now);
  // Forgets consumed pairs older than the retention, at most every prune_interval.
  void PruneIfDue(Timestamp now);

  Catalog& catalog_;
  EventSubscription& subscription_;
  const Clock& clock_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  StreamConsumerOptions options_;
  Timestamp next_prune_at_ = 0;
  std::int64_t applied_ = 0;
  std::int64_t skipped_ = 0;
};

}  // namespace cadenza
