#pragma once
// The settings of the event bus: unset kafka_brokers keeps it embedded (consumers read the
// outbox in this process); set, events go through Kafka (adapters/kafka).
#include <memory>

#include "adapters/kafka/kafka_options.h"
#include "app/config.h"
#include "app/config_parsing.h"
#include "ports/event_bus.h"

namespace cadenza::app {

// kafka_*, merged into the table of every setting.
const SetterTable& EventBusSetters();

// What the Kafka adapter is given; meaningful when config.kafka_brokers is set.
kafka::KafkaOptions KafkaOptionsFor(const Config& config);

// The outbox relay's publisher and the consumer runner's group member (kafka_group_id), on
// config.kafka_brokers. Throws std::invalid_argument when librdkafka refuses the options; the
// cluster is reached lazily.
std::unique_ptr<EventPublisher> MakeKafkaPublisher(const Config& config);
std::unique_ptr<EventSubscription> MakeKafkaSubscription(const Config& config);

}  // namespace cadenza::app
