#pragma once
// EventPublisher on Kafka: an idempotent producer (acks from all in-sync replicas, no
// duplicates or reordering from its own retries) that sends each event to TopicFor(its type)
// with Event::key as the message key, so events of one key share a partition and keep their
// order. One long-lived librdkafka producer serves every caller; a thread of its own serves
// the delivery reports. A producer that failed for good (librdkafka's fatal error) is replaced
// by a new one at the next Publish.
#include <memory>
#include <vector>

#include "adapters/kafka/kafka_options.h"
#include "adapters/kafka/kafka_producer.h"
#include "base/mutex.h"
#include "ports/event_bus.h"

namespace cadenza::kafka {

class KafkaEventPublisher final : public EventPublisher {
 public:
  // Throws std::invalid_argument when librdkafka refuses the options. Connects lazily: an
  // unreachable cluster shows as kUnavailable from Publish, not here.
  explicit KafkaEventPublisher(KafkaOptions options);
  // Waits up to options.timeout for messages still in flight, then closes the producer.
  ~KafkaEventPublisher() override = default;
  KafkaEventPublisher(const KafkaEventPublisher&) = delete;
  KafkaEventPublisher& operator=(const KafkaEventPublisher&) = delete;

  // Returns once every event's delivery report succeeded. Throws Error(kUnavailable) when
  // one failed or options.timeout passed first; events of the batch may have been delivered
  // then (publish the batch again: consumers dedup by Event::id).
  void Publish(const std::vector<Event>& events) override;

  // How many producers this publisher has created: 1, plus one per replacement.
  int producers_created() const;

 private:
  // The producer to send through, a new one if the current one failed for good.
  std::shared_ptr<KafkaProducer> UsableProducer();

  const KafkaOptions options_;
  mutable Mutex mutex_;
  // Shared with the Publish calls sending through it, so a replaced one lives until they end.
  std::shared_ptr<KafkaProducer> producer_ GUARDED_BY(mutex_);
  int producers_created_ GUARDED_BY(mutex_) = 0;
};

}  // namespace cadenza::kafka
