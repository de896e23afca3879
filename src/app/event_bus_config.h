#pragma once
// The settings of the event bus: unset kafka_brokers keeps it embedded (consumers read the
// outbox in this process); set, events go through Kafka (adapters/kafka).
#include "adapters/kafka/kafka_options.h"
#include "app/config.h"
#include "app/config_parsing.h"

namespace cadenza::app {

// kafka_*, merged into the table of every setting.
const SetterTable& EventBusSetters();

// What the Kafka adapter is given; meaningful when config.kafka_brokers is set.
kafka::KafkaOptions KafkaOptionsFor(const Config& config);

}  // namespace cadenza::app
