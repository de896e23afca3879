#pragma once
// What the Kafka adapter needs to reach the cluster, shared by the publisher and the
// subscriptions.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace cadenza::kafka {

struct KafkaOptions {
  std::string brokers;                    // bootstrap servers: "host:9092,host2:9092"
  std::string topic_prefix = "cadenza.";  // topics are <prefix>listening and <prefix>catalog
  // How long a Publish may take until every event of its batch is acknowledged.
  std::chrono::milliseconds timeout{10000};
  std::string client_id = "cadenza";     // names this process in the brokers' logs
  // Further librdkafka properties, set last (so they win): security.protocol, sasl.*, ...
  std::vector<std::pair<std::string, std::string>> properties;
};

}  // namespace cadenza::kafka
