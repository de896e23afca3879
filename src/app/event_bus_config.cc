#include "app/event_bus_config.h"

#include <algorithm>
#include <stdexcept>

#include "adapters/kafka/kafka_publisher.h"
#include "adapters/kafka/kafka_subscription.h"

namespace cadenza::app {

namespace {

// Kafka refuses topic names over 249 characters or with other characters than these; the
// longest suffix the adapter appends is "listening".
void CheckTopicPrefix(const std::string& prefix) {
  auto allowed = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '_' || ch == '-';
  };
  if (!std::all_of(prefix.begin(), prefix.end(), allowed) || prefix.size() > 200) {
    throw std::invalid_argument("may use letters, digits, '.', '_' and '-' only, at most 200 of them, got \"" +
                                prefix + "\"");
  }
}

// A comma list of host:port entries (Kafka's bootstrap.servers); empty unsets it.
std::string CheckBrokers(const std::string& text) {
  std::vector<std::string> brokers = ParseList(text);
  for (const std::string& broker : brokers) {
    std::size_t colon = broker.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == broker.size() ||
        broker.find_first_of("/@?# \t") != std::string::npos) {
      throw std::invalid_argument("expected a comma list of HOST:PORT such as kafka1:9092,kafka2:9092, got \"" +
                                  broker + "\"");
    }
    ParseInteger(broker.substr(colon + 1), 1, 65535);
  }
  std::string joined;
  for (const std::string& broker : brokers) joined += (joined.empty() ? "" : ",") + broker;
  return joined;
}

// Kafka accepts any non-empty group id; these keep it readable in logs and tools.
void CheckGroupId(const std::string& group) {
  auto allowed = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '_' || ch == '-';
  };
  if (group.empty() || group.size() > 200 || !std::all_of(group.begin(), group.end(), allowed)) {
    throw std::invalid_argument("expected 1 to 200 letters, digits, '.', '_' or '-', got \"" + group + "\"");
  }
}

}  // namespace

const SetterTable& EventBusSetters() {
  static const SetterTable setters = {
      {"kafka_brokers", [](Config& c, const std::string& v) { c.kafka_brokers = CheckBrokers(v); }},
      {"kafka_topic_prefix", [](Config& c, const std::string& v) {
         CheckTopicPrefix(v);
         c.kafka_topic_prefix = v;
       }},
      {"kafka_group_id", [](Config& c, const std::string& v) {
         CheckGroupId(v);
         c.kafka_group_id = v;
       }},
      {"kafka_timeout", [](Config& c, const std::string& v) {
         c.kafka_timeout = ParseMillis(v);
         // librdkafka's message.timeout.ms: positive, and an int32 of milliseconds.
         if (c.kafka_timeout < std::chrono::milliseconds(100) || c.kafka_timeout > std::chrono::hours(24)) {
           throw std::invalid_argument("must be between 100ms and 1d");
         }
       }},
  };
  return setters;
}

kafka::KafkaOptions KafkaOptionsFor(const Config& config) {
  kafka::KafkaOptions options;
  options.brokers = config.kafka_brokers;
  options.topic_prefix = config.kafka_topic_prefix;
  options.timeout = config.kafka_timeout;
  return options;
}

std::unique_ptr<EventPublisher> MakeKafkaPublisher(const Config& config) {
  return std::make_unique<kafka::KafkaEventPublisher>(KafkaOptionsFor(config));
}

std::unique_ptr<EventSubscription> MakeKafkaSubscription(const Config& config) {
  return std::make_unique<kafka::KafkaEventSubscription>(KafkaOptionsFor(config), config.kafka_group_id);
}

}  // namespace cadenza::app
