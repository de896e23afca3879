#include "services/events/outbox_relay.h"

#include <stdexcept>
#include <vector>

namespace cadenza {

OutboxRelay::OutboxRelay(Catalog& catalog, EventPublisher& publisher, int batch)
    : catalog_(catalog), publisher_(publisher), batch_(batch) {
  if (batch < 1 || batch > 1000) throw std::invalid_argument("OutboxRelay: batch is 1..1000");
}

std::int64_t OutboxRelay::RunOnce() {
  // Never a lagging replica: it would hand out records the primary has marked already.
  std::vector<OutboxRecord> records = catalog_.ReadLatestValue(
      [&](CatalogTransaction& tx) { return tx.events().ListUnpublished(batch_); });
  if (records.empty()) return 0;
  std::vector<Event> events;
  std::vector<std::int64_t> seqs;
  events.reserve(records.size());
  seqs.reserve(records.size());
  for (OutboxRecord& record : records) {
    seqs.push_back(record.seq);
    events.push_back(std::move(record.event));
  }
  // Marked only after the platform acknowledged every event: a failure in between leaves
  // them unmarked, to be published again.
  publisher_.Publish(events);
  catalog_.Write([&](CatalogTransaction& tx) { tx.events().MarkPublished(seqs); });
  return static_cast<std::int64_t>(seqs.size());
}

std::int64_t OutboxRelay::Drain(int max_batches) {
  std::int64_t total = 0;
  for (int i = 0; i < max_batches; ++i) {
    std::int64_t marked = RunOnce();
    if (marked == 0) break;
    total += marked;
  }
  return total;
}

}  // namespace cadenza
