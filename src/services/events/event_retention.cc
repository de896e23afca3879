#include "services/events/event_retention.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>

#include "services/events/event_consumers.h"

namespace cadenza {
namespace {

// Runs `forget` (one batch, in its own write transaction) until a batch deletes fewer than
// `batch` rows; returns the total.
std::int64_t ForgetInBatches(Catalog& catalog, int batch,
                             const std::function<std::int64_t(CatalogTransaction&)>& forget) {
  std::int64_t total = 0;
  for (;;) {
    const std::int64_t gone = catalog.WriteValue(forget);
    total += gone;
    if (gone < batch) return total;
  }
}

}  // namespace

EventRetention::EventRetention(Catalog& catalog, const Clock& clock,
                               EventRetentionOptions options)
    : catalog_(catalog), clock_(clock), options_(std::move(options)) {
  if (options_.batch < 1 || options_.batch > 10000) {
    throw std::invalid_argument("EventRetention: batch is 1..10000");
  }
  if (options_.outbox_retention.count() < 0 || options_.play_through_retention.count() < 0 ||
      options_.daily_play_days < 0) {
    throw std::invalid_argument("EventRetention: a retention window must not be negative");
  }
  if (options_.outbox_retention.count() > 0 && options_.consumers.empty() &&
      !options_.require_published) {
    throw std::invalid_argument("EventRetention: the outbox needs its consumers or a relay");
  }
}

std::int64_t EventRetention::OldestPosition() {
  if (options_.consumers.empty()) return std::numeric_limits<std::int64_t>::max();
  // Its own short transaction, read once per run: positions only grow, so the value stays a
  // safe bound while the batches run, and the consumers' rows are not held locked meanwhile.
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
    for (const std::string& name : options_.consumers) {
      oldest = std::min(oldest, tx.events().ConsumerPosition(name));
    }
    return oldest;
  });
}

RetentionReport EventRetention::RunOnce() {
  const Timestamp now = clock_.Now();
  const int batch = options_.batch;
  RetentionReport report;
  if (options_.outbox_retention.count() > 0) {
    const Timestamp recorded_before = now - options_.outbox_retention.count();
    const std::int64_t up_to_seq = OldestPosition();
    if (up_to_seq > 0) {
      report.outbox_records = ForgetInBatches(catalog_, batch, [&](CatalogTransaction& tx) {
        return tx.events().ForgetBefore(recorded_before, up_to_seq, options_.require_published,
                                        batch);
      });
    }
  }
  const Timestamp started_before = now - options_.play_through_retention.count();
  report.play_throughs = ForgetInBatches(catalog_, batch, [&](CatalogTransaction& tx) {
    return tx.listening().ForgetPlayThroughsBefore(started_before, batch);
  });
  const std::int64_t first_kept_day = EpochDay(now) - options_.daily_play_days;
  report.daily_plays = ForgetInBatches(catalog_, batch, [&](CatalogTransaction& tx) {
    return tx.listening().ForgetDailyPlaysBefore(first_kept_day, batch);
  });
  return report;
}

}  // namespace cadenza
