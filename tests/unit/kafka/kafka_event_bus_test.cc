// The Kafka publisher and subscription against librdkafka's mock cluster (3 brokers, the event
// topics with 4 partitions and 3 replicas each): delivery of every event, order per key,
// broker outages, consumer group hand-over, and messages that are not events.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <thread>

#include "adapters/kafka/kafka_publisher.h"
#include "domain/error.h"
#include "unit/kafka/kafka_fixture.h"

namespace cadenza::kafka {
namespace {

TEST_F(KafkaTest, ThousandEventsOverTwentyKeysArriveInOrderPerKey) {
  std::vector<Event> published = MakeEvents(0, 1000, 20);
  {
    KafkaEventPublisher publisher(Options());
    for (std::size_t i = 0; i < published.size(); i += 100) {
      publisher.Publish({published.begin() + static_cast<std::ptrdiff_t>(i),
                         published.begin() + static_cast<std::ptrdiff_t>(i + 100)});
    }
  }
  KafkaEventSubscription subscription(Options(), "counters");
  std::vector<Event> received = ReadUntil(subscription, published.size());

  EXPECT_EQ(Ids(received), Ids(published));
  EXPECT_EQ(received.size(), published.size()) << "an idempotent producer writes no duplicates";
  ExpectOrderPerKey(received);
  // Every field survives the trip.
  for (const Event& event : received) {
    if (event.id != "event-7") continue;
    EXPECT_EQ(event.type, "playlist_changed");
    EXPECT_EQ(event.key, "key-7");
    EXPECT_EQ(event.user_id, "user-7");
    EXPECT_EQ(event.subject_id, "track-7");
    EXPECT_EQ(event.position_ms, 7);
    EXPECT_EQ(event.occurred_at, 1'700'000'000'007);
    EXPECT_EQ(event.recorded_at, 1'700'000'000'507);
    EXPECT_EQ(event.attributes_json, "{\"seq\":0}");
  }
}

TEST_F(KafkaTest, OnePublisherServesConcurrentCallers) {
  // Four callers, each with keys of its own (key = i % 20, caller = key % 4), in batches of 25.
  std::vector<Event> published = MakeEvents(0, 800, 20);
  {
    KafkaEventPublisher publisher(Options());
    std::vector<std::thread> callers;
    for (int caller = 0; caller < 4; ++caller) {
      callers.emplace_back([&publisher, &published, caller] {
        std::vector<Event> mine;
        for (std::size_t i = 0; i < published.size(); ++i) {
          if (static_cast<int>(i % 20) % 4 == caller) mine.push_back(published[i]);
        }
        try {
          for (std::size_t i = 0; i < mine.size(); i += 25) {
            publisher.Publish({mine.begin() + static_cast<std::ptrdiff_t>(i),
                               mine.begin() + static_cast<std::ptrdiff_t>(std::min(i + 25, mine.size()))});
          }
        } catch (const Error& e) {
          ADD_FAILURE() << "caller " << caller << ": " << e.what();
        }
      });
    }
    for (std::thread& caller : callers) caller.join();
  }
  KafkaEventSubscription subscription(Options(), "concurrent");
  std::vector<Event> received = ReadUntil(subscription, published.size());
  EXPECT_EQ(Ids(received), Ids(published));
  EXPECT_EQ(received.size(), published.size());
  ExpectOrderPerKey(received);
}

TEST_F(KafkaTest, PublishSurvivesTheLeaderGoingDownAndEveryEventIsInKafkaAfterwards) {
  // Broker 1 leads every partition: taking it down stops all writes.
  for (const std::string& topic : AllTopics(options_.topic_prefix)) {
    for (int partition = 0; partition < kPartitions; ++partition) cluster_.SetLeader(topic, partition, 1);
  }
  KafkaOptions options = Options();
  options.timeout = std::chrono::milliseconds(2000);
  options.properties = {{"reconnect.backoff.max.ms", "500"}};
  std::vector<Event> published = MakeEvents(0, 600, 20);
  int failed_publishes = 0;
  {
    KafkaEventPublisher publisher(options);
    for (std::size_t i = 0; i < published.size(); i += 50) {
      std::vector<Event> batch(published.begin() + static_cast<std::ptrdiff_t>(i),
                               published.begin() + static_cast<std::ptrdiff_t>(i + 50));
      if (i == 250) cluster_.SetBrokerDown(1);
      for (int attempt = 0;; ++attempt) {
        try {
          publisher.Publish(batch);
          break;
        } catch (const Error& e) {
          ASSERT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
          EXPECT_STREQ(e.client_message(), "the event bus is unavailable");
          ASSERT_LT(attempt, 10) << "the publisher never recovered: " << e.what();
          ++failed_publishes;
          cluster_.SetBrokerUp(1);  // the retry meets the leader back
        }
      }
    }
  }
  KafkaEventSubscription subscription(Options(), "after-outage");
  std::vector<Event> received = ReadUntil(subscription, published.size());

  EXPECT_EQ(Ids(received), Ids(published));
  std::printf("[ outage ] failed publishes: %d, events read: %zu, duplicates: %zu\n", failed_publishes,
              received.size(), received.size() - Ids(received).size());
  ExpectOrderPerKey(received);
}

TEST_F(KafkaTest, AllBrokersDownThenUpLosesNothing) {
  KafkaOptions options = Options();
  options.timeout = std::chrono::milliseconds(2000);
  options.properties = {{"reconnect.backoff.max.ms", "500"}};
  std::vector<Event> published = MakeEvents(0, 300, 20);
  int failed_publishes = 0;
  {
    KafkaEventPublisher publisher(options);
    publisher.Publish({published.begin(), published.begin() + 100});
    for (int broker = 1; broker <= 3; ++broker) cluster_.SetBrokerDown(broker);
    try {
      publisher.Publish({published.begin() + 100, published.begin() + 200});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
      ++failed_publishes;
    }
    for (int broker = 1; broker <= 3; ++broker) cluster_.SetBrokerUp(broker);
    if (failed_publishes > 0) publisher.Publish({published.begin() + 100, published.begin() + 200});
    publisher.Publish({published.begin() + 200, published.end()});
  }
  EXPECT_EQ(failed_publishes, 1) << "with every broker down for its whole timeout, Publish must fail";
  KafkaEventSubscription subscription(Options(), "after-blackout");
  std::vector<Event> received = ReadUntil(subscription, published.size());

  EXPECT_EQ(Ids(received), Ids(published));
  std::printf("[ blackout ] events read: %zu, duplicates: %zu\n", received.size(),
              received.size() - Ids(received).size());
  ExpectOrderPerKey(received);
}

TEST_F(KafkaTest, AProducerThatFailedForGoodIsReplacedAndTheRetryDelivers) {
  std::vector<Event> published = MakeEvents(0, 40, 4);
  KafkaEventPublisher publisher(Options());
  publisher.Publish({published.begin(), published.begin() + 20});
  // The broker answers the next produce request with an error the idempotent producer cannot
  // recover from (its sequence numbers no longer match the broker's).
  constexpr std::int16_t kProduceApi = 0;
  rd_kafka_mock_push_request_errors(cluster_.get(), kProduceApi, 1,
                                    RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
  std::vector<Event> second(published.begin() + 20, published.end());
  try {
    publisher.Publish(second);
    FAIL() << "the produce error went unnoticed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
  }
  publisher.Publish(second);
  EXPECT_EQ(publisher.producers_created(), 2);

  KafkaEventSubscription subscription(Options(), "after-fatal");
  std::vector<Event> received = ReadUntil(subscription, published.size());
  EXPECT_EQ(Ids(received), Ids(published));
  std::printf("[ fatal ] events read: %zu, duplicates: %zu\n", received.size(), received.size() - Ids(received).size());
}

TEST_F(KafkaTest, ANewMemberResumesAfterTheCommittedOffsetsAndGetsWhatWasNotCommitted) {
  std::vector<Event> published = MakeEvents(0, 200, 20);
  KafkaEventPublisher(Options()).Publish(published);
  // The mock coordinator completes the rebalance after a member left only when about
  // session.timeout.ms has passed (45 s by default): a short one keeps the test short.
  options_.properties = {{"session.timeout.ms", "6000"}};

  std::set<std::string> committed;
  std::set<std::string> uncommitted;
  {
    KafkaEventSubscription first(Options(), "history");
    std::vector<Event> polled = ReadUntil(first, 1);
    while (polled.size() < 50) {
      for (Event& event : first.Poll(std::chrono::milliseconds(500), 50 - static_cast<int>(polled.size()))) {
        polled.push_back(std::move(event));
      }
    }
    first.Commit();
    committed = Ids(polled);
    std::vector<Event> more = first.Poll(std::chrono::seconds(5), 30);
    EXPECT_LE(more.size(), 30U) << "Poll returns at most max_events";
    for (const Event& event : more) uncommitted.insert(event.id);
    ASSERT_FALSE(uncommitted.empty());
  }  // leaves the group without committing `uncommitted`

  KafkaEventSubscription second(Options(), "history");
  std::vector<Event> resumed = ReadUntil(second, published.size() - committed.size());
  std::set<std::string> resumed_ids = Ids(resumed);
  for (const std::string& id : committed) EXPECT_FALSE(resumed_ids.contains(id)) << id << " was committed";
  for (const std::string& id : uncommitted) EXPECT_TRUE(resumed_ids.contains(id)) << id << " was not redelivered";
  std::printf("[ group ] committed: %zu, polled but not committed: %zu, read by the new member: %zu\n",
              committed.size(), uncommitted.size(), resumed.size());
  std::set<std::string> all = committed;
  all.insert(resumed_ids.begin(), resumed_ids.end());
  EXPECT_EQ(all, Ids(published));
}

TEST_F(KafkaTest, AMalformedMessageIsLoggedAndSkipped) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  // Two catalogue events of one key: one partition, in which the bad messages sit between them.
  std::vector<Event> published = {MakeEvents(1, 1, 1)[0], MakeEvents(3, 1, 1)[0]};
  ASSERT_EQ(TopicFor(options_.topic_prefix, published[0].type), TopicFor(options_.topic_prefix, published[1].type));
  {
    KafkaEventPublisher publisher(Options());
    publisher.Publish({published[0]});
    std::string topic = TopicFor(options_.topic_prefix, published[0].type);
    cluster_.ProduceRaw(topic, published[0].key, std::string("\xff\x00not json", 10));
    cluster_.ProduceRaw(topic, published[0].key, R"({"v":1,"type":"playlist_changed"})");  // no id
    publisher.Publish({published[1]});
  }
  std::vector<Event> received;
  {
    KafkaEventSubscription subscription(Options(), "skipper");
    received = ReadUntil(subscription, 2);
  }  // librdkafka's threads, which log too, end with their handle: the capture can go now
  spdlog::set_default_logger(previous);

  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(received[0].id, published[0].id);
  EXPECT_EQ(received[1].id, published[1].id);
  std::string lines = log.str();
  std::size_t skipped = 0;
  for (std::size_t at = lines.find("skipped a malformed message"); at != std::string::npos;
       at = lines.find("skipped a malformed message", at + 1)) {
    ++skipped;
  }
  EXPECT_EQ(skipped, 2U) << lines;
  EXPECT_NE(lines.find("no \"id\""), std::string::npos) << lines;
}

TEST(KafkaPublisherTest, AnUnreachableClusterIsUnavailableWithoutNamingIt) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:1";  // nothing listens on port 1
  options.timeout = std::chrono::milliseconds(500);
  KafkaEventPublisher publisher(options);
  try {
    publisher.Publish(KafkaTest::MakeEvents(0, 3, 1));
    FAIL() << "Publish returned without a broker";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_STREQ(e.client_message(), "the event bus is unavailable");
  }
}

TEST(KafkaSubscriptionTest, PollWithoutAnyBrokerIsUnavailable) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:1";  // nothing listens on port 1
  KafkaEventSubscription subscription(options, "nobody");
  try {
    for (int attempt = 0; attempt < 20; ++attempt) {
      EXPECT_TRUE(subscription.Poll(std::chrono::milliseconds(500), 10).empty());
    }
    FAIL() << "Poll kept answering nothing without a broker";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_STREQ(e.client_message(), "the event bus is unavailable");
  }
}

}  // namespace
}  // namespace cadenza::kafka
