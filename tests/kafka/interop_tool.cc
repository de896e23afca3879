// Starts librdkafka's mock cluster, publishes events through Cadenza's Kafka publisher, prints
// one JSON line (the bootstrap servers, the topic prefix and the events published) and keeps
// the cluster up until its standard input closes, so that another client can read the topics.
//   cadenza_kafka_interop_tool [events] [keys]
#include <boost/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/kafka/event_codec.h"
#include "adapters/kafka/kafka_publisher.h"
#include "unit/support/kafka_mock_cluster.h"

int main(int argc, char** argv) {
  int count = argc > 1 ? std::stoi(argv[1]) : 100;
  int keys = argc > 2 ? std::stoi(argv[2]) : 10;
  cadenza::test_support::KafkaMockCluster cluster(3);
  cadenza::kafka::KafkaOptions options;
  options.brokers = cluster.bootstrap_servers();
  options.topic_prefix = "interop.";
  for (const std::string& topic : cadenza::kafka::AllTopics(options.topic_prefix)) cluster.CreateTopic(topic, 4);

  std::vector<cadenza::Event> events;
  boost::json::array published;
  for (int i = 0; i < count; ++i) {
    cadenza::Event event;
    event.id = "interop-" + std::to_string(i);
    event.type = i % 3 == 0 ? "skipped" : (i % 3 == 1 ? "play_ended" : "track_uploaded");
    event.key = "key-" + std::to_string(i % keys);
    event.subject_id = "track-" + std::to_string(i);
    event.recorded_at = 1'700'000'000'000 + i;
    event.attributes_json = "{\"n\":" + std::to_string(i) + "}";
    events.push_back(event);
    published.push_back({{"id", event.id},
                         {"key", event.key},
                         {"topic", cadenza::kafka::TopicFor(options.topic_prefix, event.type)}});
  }
  cadenza::kafka::KafkaEventPublisher(options).Publish(events);

  boost::json::object ready{{"bootstrap", cluster.bootstrap_servers()},
                            {"prefix", options.topic_prefix},
                            {"events", published}};
  std::cout << boost::json::serialize(ready) << std::endl;
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  return 0;
}
