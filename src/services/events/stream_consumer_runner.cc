#include "services/events/stream_consumer_runner.h"

#include <stdexcept>
#include <string>

namespace cadenza {
namespace {

constexpr int kPruneLimit = 10000;  // pairs forgotten per transaction

}  // namespace

StreamConsumerRunner::StreamConsumerRunner(Catalog& catalog, EventSubscription& subscription,
                                           const Clock& clock,
                                           std::vector<std::unique_ptr<EventConsumer>> consumers,
                                           StreamConsumerOptions options)
    : catalog_(catalog),
      subscription_(subscription),
      clock_(clock),
      consumers_(std::move(consumers)),
      options_(options) {
  if (options.batch < 1 || options.batch > 1000) {
    throw std::invalid_argument("StreamConsumerRunner: batch is 1..1000");
  }
}

StreamConsumerRunner::Counts StreamConsumerRunner::Apply(CatalogTransaction& tx,
                                                         const std::vector<Event>& events,
                                                         Timestamp now) {
  Counts counts;
  OutboxRecord record;  // consumers read the event only; streamed events have no seq
  for (const Event& event : events) {
    record.event = event;
    for (auto& consumer : consumers_) {
      if (!consumer->Follows(event.type)) continue;
      if (tx.events().MarkConsumed(consumer->name(), event.id, now)) {
        consumer->Apply(tx, record);
        ++counts.applied;
      } else {
        ++counts.skipped;
      }
    }
  }
  return counts;
}

std::int64_t StreamConsumerRunner::RunOnce() {
  std::vector<Event> events = subscription_.Poll(options_.poll_timeout, options_.batch);
  const Timestamp now = clock_.Now();
  if (!events.empty()) {
    // Counted from the value the committed attempt returned: a transaction may be rerun.
    Counts counts = catalog_.WriteValue(
        [&](CatalogTransaction& tx) { return Apply(tx, events, now); });
    // Only now: offsets committed before the transaction would lose the batch to a crash.
    subscription_.Commit();
    applied_ += counts.applied;
    skipped_ += counts.skipped;
  }
  PruneIfDue(now);
  return static_cast<std::int64_t>(events.size());
}

std::int64_t StreamConsumerRunner::Drain(int max_batches) {
  std::int64_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    std::int64_t polled = RunOnce();
    if (polled == 0) break;
    total += polled;
  }
  return total;
}

void StreamConsumerRunner::PruneIfDue(Timestamp now) {
  if (now < next_prune_at_) return;
  const Timestamp before = now - options_.dedup_retention.count();
  std::int64_t forgotten = catalog_.WriteValue([&](CatalogTransaction& tx) {
    return tx.events().ForgetConsumedBefore(before, kPruneLimit);
  });
  // A full round leaves more behind: look again at the next batch instead of waiting.
  if (forgotten < kPruneLimit) next_prune_at_ = now + options_.prune_interval.count();
}

}  // namespace cadenza
