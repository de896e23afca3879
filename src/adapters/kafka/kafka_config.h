#pragma once
// librdkafka configuration objects built from name/value pairs, and the handle they create.
// Internal to adapters/kafka.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cadenza::kafka {

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;

// A configuration with `properties` set, librdkafka's log lines routed to spdlog. Throws
// std::invalid_argument naming a property librdkafka refuses (a bug or a bad setting).
KafkaConf MakeConf(const std::vector<std::pair<std::string, std::string>>& properties);

// Creates the handle, taking ownership of `conf`. Throws std::invalid_argument with
// librdkafka's reason when it refuses (conflicting properties).
KafkaHandle MakeHandle(rd_kafka_type_t type, KafkaConf conf);

}  // namespace cadenza::kafka
