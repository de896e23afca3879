#pragma once
// EventPublisher on Kafka: an idempotent producer (acks from all in-sync replicas, no
// duplicates or reordering from its own retries) that sends each event to TopicFor(its type)
// with Event::key as the message key, so events of one key share a partition and keep their
// order. One long-lived librdkafka handle serves every caller; a thread of its own serves
// the delivery reports.
#include <atomic>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/kafka_options.h"
#include "ports/event_bus.h"

namespace cadenza::kafka {

class KafkaEventPublisher final : public EventPublisher {
 public:
  // Throws std::invalid_argument when librdkafka refuses the options. Connects lazily: an
  // unreachable cluster shows as kUnavailable from Publish, not here.
  explicit KafkaEventPublisher(KafkaOptions options);
  // Waits up to options.timeout for messages still in flight, then closes the handle.
  ~KafkaEventPublisher() override;
  KafkaEventPublisher(const KafkaEventPublisher&) = delete;
  KafkaEventPublisher& operator=(const KafkaEventPublisher&) = delete;

  // Returns once every event's delivery report succeeded. Throws Error(kUnavailable) when
  // one failed or options.timeout passed first; events of the batch may have been delivered
  // then (publish the batch again: consumers dedup by Event::id).
  void Publish(const std::vector<Event>& events) override;

 private:
  void ServeDeliveryReports();

  KafkaOptions options_;
  KafkaHandle handle_;
  std::atomic<bool> stopping_{false};
  std::thread reports_thread_;
};

}  // namespace cadenza::kafka
