#pragma once
// EventSubscription on Kafka: one member of a consumer group reading the event topics.
// Offsets are committed only by Commit, so a member that dies before committing leaves its
// events to be redelivered to the group (at least once); new groups start at the earliest
// retained event.
#include <chrono>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/kafka_options.h"
#include "ports/event_bus.h"

namespace cadenza::kafka {

class KafkaEventSubscription final : public EventSubscription {
 public:
  // Joins `group_id` reading `topics` (empty: AllTopics(options.topic_prefix)). Throws
  // std::invalid_argument when librdkafka refuses the options; the cluster is reached lazily.
  KafkaEventSubscription(KafkaOptions options, std::string group_id, std::vector<std::string> topics = {});
  // Leaves the group (its partitions go to the other members at once); uncommitted events are
  // redelivered to them.
  ~KafkaEventSubscription() override;
  KafkaEventSubscription(const KafkaEventSubscription&) = delete;
  KafkaEventSubscription& operator=(const KafkaEventSubscription&) = delete;

  // Messages that are not events (DecodeEvent refuses them) are logged and skipped: they are
  // committed with the events around them, never returned. Throws Error(kUnavailable) when it
  // has no events and librdkafka reported during the call that every broker is down.
  std::vector<Event> Poll(std::chrono::milliseconds timeout, int max_events) override;
  // Synchronous. Throws Error(kUnavailable) when the group's coordinator refuses or cannot be
  // reached (the events are then redelivered; processing them again must be harmless).
  void Commit() override;

 private:
  // Logs a consumer error (a partition, a topic) carried by a message.
  static void OnConsumerError(const rd_kafka_message_t& message);
  // librdkafka's error_cb: client-wide errors (transport, all brokers down), served by Poll's
  // own rd_kafka_consumer_poll on this thread.
  static void OnClientError(rd_kafka_t* handle, int err, const char* reason, void* opaque);

  KafkaOptions options_;
  KafkaHandle handle_;
  bool all_brokers_down_ = false;  // reported during the current Poll
  std::string last_client_error_;
};

}  // namespace cadenza::kafka
