#include "services/events/event_pump.h"

#include <exception>
#include <stdexcept>
#include <string>

namespace cadenza {

EventPump::EventPump(Catalog& catalog, std::vector<std::unique_ptr<EventConsumer>> consumers,
                     int batch)
    : catalog_(catalog), consumers_(std::move(consumers)), batch_(batch) {
  if (batch < 1 || batch > 1000) throw std::invalid_argument("EventPump: batch is 1..1000");
}

std::int64_t EventPump::RunConsumer(EventConsumer& consumer) {
  return catalog_.WriteValue([&](CatalogTransaction& tx) -> std::int64_t {
    const std::string name(consumer.name());
    std::int64_t position = tx.events().ConsumerPosition(name);
    std::vector<OutboxRecord> records = tx.events().ListAfter(position, batch_);
    if (records.empty()) return 0;
    for (const OutboxRecord& record : records) consumer.Apply(tx, record);
    tx.events().SetConsumerPosition(name, records.back().seq);
    return static_cast<std::int64_t>(records.size());
  });
}

std::int64_t EventPump::RunOnce() {
  std::int64_t applied = 0;
  std::exception_ptr first_failure;
  for (auto& consumer : consumers_) {
    try {
      applied += RunConsumer(*consumer);
    } catch (...) {
      if (!first_failure) first_failure = std::current_exception();
    }
  }
  if (first_failure) std::rethrow_exception(first_failure);
  return applied;
}

std::int64_t EventPump::Drain() {
  std::int64_t total = 0;
  while (std::int64_t applied = RunOnce()) total += applied;
  return total;
}

std::vector<std::string> EventPump::ConsumerNames() const {
  std::vector<std::string> names;
  names.reserve(consumers_.size());
  for (const auto& consumer : consumers_) names.emplace_back(consumer->name());
  return names;
}

}  // namespace cadenza
