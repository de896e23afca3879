// The Kafka road end to end in one process, on librdkafka's mock cluster and a real SQLite
// catalogue: OutboxRelay publishes the outbox, StreamConsumerRunner applies what a consumer
// group reads, and the counts must equal the embedded EventPump's for the same events, through
// a broker outage and a relay that dies between Publish and marking.
#include "services/events/outbox_relay.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "adapters/kafka/kafka_publisher.h"
#include "domain/error.h"
#include "ports/clock.h"
#include "relay_fixture.h"
#include "services/events/stream_consumer_runner.h"

namespace cadenza {
namespace {

// A catalogue whose next Write throws before touching the database, when armed: a relay
// "killed" after Publish returned and before its mark committed.
class KillBeforeMark final : public Catalog {
 public:
  explicit KillBeforeMark(Catalog& inner) : inner_(inner) {}
  void Write(const std::function<void(CatalogTransaction&)>& fn) override {
    if (armed_) {
      armed_ = false;
      throw std::runtime_error("killed before MarkPublished");
    }
    inner_.Write(fn);
  }
  void Read(const std::function<void(CatalogTransaction&)>& fn) override { inner_.Read(fn); }
  void ReadLatest(const std::function<void(CatalogTransaction&)>& fn) override { inner_.ReadLatest(fn); }
  int Migrate() override { return inner_.Migrate(); }
  bool Healthy() override { return inner_.Healthy(); }
  void Arm() { armed_ = true; }

 private:
  Catalog& inner_;
  bool armed_ = false;
};

class OutboxRelayTest : public RelayTest {
 protected:
  kafka::KafkaOptions PublisherOptions() const {
    kafka::KafkaOptions options = Options();
    options.timeout = std::chrono::milliseconds(3000);  // an outage fails a Publish quickly
    return options;
  }

  std::unique_ptr<StreamConsumerRunner> Runner(EventSubscription& subscription) {
    return std::make_unique<StreamConsumerRunner>(*catalog_, subscription, clock_, StandardConsumers(),
                                                  StreamConsumerOptions{.batch = 100,
                                                                        .poll_timeout = std::chrono::milliseconds(200)});
  }

  // Relays and consumes until the outbox is all published and the counts are `expected` (or a
  // generous bound passed: the assertions after it report what is missing). Unavailability is
  // retried as the worker's loop does.
  void RunUntil(OutboxRelay& relay, StreamConsumerRunner& runner, const Counts& expected) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < give_up) {
      try {
        relay.Drain();
        runner.Drain();
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kUnavailable) throw;
      }
      if (Unpublished() == 0 && CountsOf(*catalog_) == expected) return;
    }
  }

  void ExpectAllInKafka(const std::vector<Event>& events, const char* test, std::int64_t plays,
                        const StreamConsumerRunner& runner) {
    std::vector<Event> in_kafka = ReadBack(events.size());
    EXPECT_EQ(IdsOf(in_kafka), IdsOf(events)) << "every event, and nothing else, reached Kafka";
    std::printf("[ %s ] events published: %zu, copies in Kafka: %zu (duplicates: %zu), counted plays: %lld, "
                "consumer pairs applied: %lld, skipped as duplicates: %lld\n",
                test, events.size(), in_kafka.size(), in_kafka.size() - IdsOf(in_kafka).size(),
                static_cast<long long>(plays), static_cast<long long>(runner.applied()),
                static_cast<long long>(runner.skipped()));
  }

  SystemClock clock_;
};

TEST_F(OutboxRelayTest, EveryEventReachesKafkaAndTheCountsEqualThePumps) {
  std::vector<Event> events = MakePlays(0, 600);
  const Counts expected = PumpCounts(events);
  ASSERT_EQ(PlayCount(expected), 400) << "two thirds of the events are counted plays";
  Append(*catalog_, events);

  kafka::KafkaEventPublisher publisher(PublisherOptions());
  kafka::KafkaEventSubscription subscription(Options(), "cadenza");
  OutboxRelay relay(*catalog_, publisher, 100);
  auto runner = Runner(subscription);
  RunUntil(relay, *runner, expected);

  EXPECT_EQ(Unpublished(), 0u);
  EXPECT_EQ(CountsOf(*catalog_), expected);
  // Each counted play once per consumer; no duplicates were delivered here.
  EXPECT_EQ(runner->applied(), 3 * 400);
  EXPECT_EQ(runner->skipped(), 0);
  ExpectAllInKafka(events, "relay", PlayCount(CountsOf(*catalog_)), *runner);
}

TEST_F(OutboxRelayTest, ABrokerOutageLosesNothingAndCountsNothingTwice) {
  std::vector<Event> events = MakePlays(0, 600);
  const Counts expected = PumpCounts(events);
  kafka::KafkaEventPublisher publisher(PublisherOptions());
  kafka::KafkaEventSubscription subscription(Options(), "cadenza");
  OutboxRelay relay(*catalog_, publisher, 100);
  auto runner = Runner(subscription);

  const std::vector<Event> first(events.begin(), events.begin() + 300);
  const std::vector<Event> second(events.begin() + 300, events.end());
  Append(*catalog_, first);
  RunUntil(relay, *runner, PumpCounts(first));
  ASSERT_EQ(CountsOf(*catalog_), PumpCounts(first)) << "the first half went through before the outage";

  for (int broker = 1; broker <= 3; ++broker) cluster_.SetBrokerDown(broker);
  Append(*catalog_, second);
  int refused = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      relay.RunOnce();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
      ++refused;
    }
  }
  EXPECT_EQ(refused, 2) << "no broker: Publish fails";
  EXPECT_EQ(Unpublished(), second.size()) << "nothing is marked that Kafka did not acknowledge";
  for (int broker = 1; broker <= 3; ++broker) cluster_.SetBrokerUp(broker);

  RunUntil(relay, *runner, expected);
  EXPECT_EQ(Unpublished(), 0u);
  EXPECT_EQ(CountsOf(*catalog_), expected);
  ExpectAllInKafka(events, "outage", PlayCount(CountsOf(*catalog_)), *runner);
}

TEST_F(OutboxRelayTest, ARelayKilledBeforeMarkingPublishesAgainAndCountsStayExact) {
  std::vector<Event> events = MakePlays(0, 300);
  const Counts expected = PumpCounts(events);
  Append(*catalog_, events);
  kafka::KafkaEventSubscription subscription(Options(), "cadenza");
  auto runner = Runner(subscription);
  {
    kafka::KafkaEventPublisher publisher(PublisherOptions());
    KillBeforeMark dying(*catalog_);
    OutboxRelay relay(dying, publisher, 100);
    EXPECT_EQ(relay.RunOnce(), 100);
    dying.Arm();
    EXPECT_THROW(relay.RunOnce(), std::runtime_error);
  }
  EXPECT_EQ(Unpublished(), 200u) << "the batch published by the dead relay is still unmarked";
  runner->Drain();  // the consumers see the dead relay's batch once already

  kafka::KafkaEventPublisher publisher(PublisherOptions());
  OutboxRelay fresh(*catalog_, publisher, 100);
  RunUntil(fresh, *runner, expected);
  EXPECT_EQ(Unpublished(), 0u);
  EXPECT_EQ(CountsOf(*catalog_), expected);
  std::vector<Event> in_kafka = ReadBack(events.size());
  EXPECT_EQ(in_kafka.size(), events.size() + 100) << "the dead relay's batch is in Kafka twice";
  // Of the 100 events published twice, those that are counted plays were skipped once per consumer.
  std::int64_t plays_twice = 0;
  for (int i = 100; i < 200; ++i) plays_twice += i % 3 == 0 ? 0 : 1;
  // The counts may be complete before the second copies were read: read them too.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (runner->skipped() < 3 * plays_twice && std::chrono::steady_clock::now() < give_up) runner->Drain();
  EXPECT_EQ(runner->skipped(), 3 * plays_twice);
  ExpectAllInKafka(events, "killed relay", PlayCount(CountsOf(*catalog_)), *runner);
}

TEST_F(OutboxRelayTest, AnEventDeliveredTwiceInOneBatchIsAppliedOnce) {
  std::vector<Event> events = MakePlays(1, 2);  // two counted plays
  kafka::KafkaEventPublisher publisher(PublisherOptions());
  publisher.Publish(events);
  publisher.Publish(events);
  kafka::KafkaEventSubscription subscription(Options(), "cadenza");
  auto runner = Runner(subscription);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (runner->applied() + runner->skipped() < 12 && std::chrono::steady_clock::now() < give_up) runner->Drain();
  EXPECT_EQ(runner->applied(), 6);
  EXPECT_EQ(runner->skipped(), 6);
  EXPECT_EQ(CountsOf(*catalog_), PumpCounts(events));
}

}  // namespace
}  // namespace cadenza
