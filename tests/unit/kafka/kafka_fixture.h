#pragma once
// What the Kafka adapter's tests share: a mock cluster with the event topics, events with a
// sequence number per key, and a reader that collects events until it has the ones it expects.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/kafka/event_codec.h"
#include "adapters/kafka/kafka_options.h"
#include "adapters/kafka/kafka_subscription.h"
#include "ports/event_bus.h"
#include "unit/support/kafka_mock_cluster.h"

namespace cadenza::kafka {

inline constexpr int kPartitions = 4;

class KafkaTest : public ::testing::Test {
 public:
  KafkaTest() {
    for (const std::string& topic : AllTopics(options_.topic_prefix)) cluster_.CreateTopic(topic, kPartitions);
  }

  KafkaOptions Options() const {
    KafkaOptions options = options_;
    options.brokers = cluster_.bootstrap_servers();
    return options;
  }

  // `count` events over `keys` keys (round robin), even numbers listening events and odd ones
  // catalogue events, each carrying its sequence number within its key as "seq" in its
  // attributes. With an even `keys`, all events of a key have one type, hence one topic.
  static std::vector<Event> MakeEvents(int first, int count, int keys) {
    std::vector<Event> events;
    for (int i = first; i < first + count; ++i) {
      Event event;
      event.id = "event-" + std::to_string(i);
      event.type = i % 2 == 0 ? "play_started" : "playlist_changed";
      event.key = "key-" + std::to_string(i % keys);
      event.user_id = "user-" + std::to_string(i % keys);
      event.subject_id = "track-" + std::to_string(i);
      event.position_ms = i;
      event.occurred_at = 1'700'000'000'000 + i;
      event.recorded_at = 1'700'000'000'500 + i;
      event.attributes_json = "{\"seq\":" + std::to_string(i / keys) + "}";
      events.push_back(event);
    }
    return events;
  }

  // Polls until `expected` distinct ids arrived (or a generous bound passed, which the
  // caller's assertions then report); returns every event in arrival order, duplicates too.
  static std::vector<Event> ReadUntil(EventSubscription& subscription, std::size_t expected) {
    std::vector<Event> events;
    std::set<std::string> ids;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (ids.size() < expected && std::chrono::steady_clock::now() < give_up) {
      for (Event& event : subscription.Poll(std::chrono::milliseconds(500), 500)) {
        ids.insert(event.id);
        events.push_back(std::move(event));
      }
    }
    return events;
  }

  static std::set<std::string> Ids(const std::vector<Event>& events) {
    std::set<std::string> ids;
    for (const Event& event : events) ids.insert(event.id);
    return ids;
  }

  // Per key, the sequence numbers in the order their first copy arrived must rise.
  static void ExpectOrderPerKey(const std::vector<Event>& events) {
    std::map<std::string, int> last_seq;
    std::set<std::string> seen;
    for (const Event& event : events) {
      if (!seen.insert(event.id).second) continue;  // a redelivered copy
      int seq = std::stoi(event.attributes_json.substr(event.attributes_json.find(':') + 1));
      auto last = last_seq.find(event.key);
      if (last != last_seq.end()) {
        EXPECT_GT(seq, last->second) << event.id << " arrived after a later event of " << event.key;
      }
      last_seq[event.key] = seq;
    }
  }

  test_support::KafkaMockCluster cluster_;
  KafkaOptions options_;
};

}  // namespace cadenza::kafka
