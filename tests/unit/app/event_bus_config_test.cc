#include "app/event_bus_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "unit/support/temp_dir.h"

namespace cadenza::app {
namespace {

TEST(EventBusConfigTest, DefaultsAreTheEmbeddedBus) {
  Config c = BuildConfig({});
  EXPECT_EQ(c.kafka_brokers, "") << "no Kafka";
  EXPECT_EQ(c.kafka_topic_prefix, "cadenza.");
  EXPECT_EQ(c.kafka_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.kafka_group_id, "cadenza");
}

TEST(EventBusConfigTest, SettingsReachTheKafkaOptions) {
  Config c = BuildConfig({{"file", {{"kafka_brokers", "kafka1:9092, kafka2:9093"},
                                    {"kafka_topic_prefix", "prod-music."},
                                    {"kafka_timeout", "30s"},
                                    {"kafka_group_id", "music-stats_2"}}},
                          {"flags", {{"kafka_timeout", "2500ms"}}}});
  EXPECT_EQ(c.kafka_brokers, "kafka1:9092,kafka2:9093");
  kafka::KafkaOptions options = KafkaOptionsFor(c);
  EXPECT_EQ(options.brokers, "kafka1:9092,kafka2:9093");
  EXPECT_EQ(options.topic_prefix, "prod-music.");
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(c.kafka_group_id, "music-stats_2");
  EXPECT_EQ(BuildConfig({{"flags", {{"kafka_topic_prefix", ""}}}}).kafka_topic_prefix, "")
      << "an empty prefix: topics named listening and catalog";
  EXPECT_EQ(BuildConfig({{"flags", {{"kafka_brokers", ""}}}}).kafka_brokers, "") << "back to embedded";
}

TEST(EventBusConfigTest, RefusesWhatKafkaWouldRefuseNamingTheSetting) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"kafka_brokers", "kafka1"},          {"kafka_brokers", "kafka1:"},
      {"kafka_brokers", ":9092"},           {"kafka_brokers", "kafka1:70000"},
      {"kafka_brokers", "kafka://k1:9092"}, {"kafka_topic_prefix", "cadenza/"},
      {"kafka_topic_prefix", "a b"},        {"kafka_topic_prefix", std::string(201, 'x')},
      {"kafka_timeout", "0"},               {"kafka_timeout", "50ms"},
      {"kafka_timeout", "2d"},              {"kafka_timeout", "soon"},
      {"kafka_group_id", ""},               {"kafka_group_id", "stats group"},
      {"kafka_group_id", std::string(201, 'g')},
  };
  for (const auto& [name, value] : bad) {
    try {
      BuildConfig({{"environment", {{name, value}}}});
      ADD_FAILURE() << name << " = " << value << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("environment: " + name), std::string::npos) << e.what();
    }
  }
}

TEST(EventBusConfigTest, EveryWayOfGivingASettingKnowsThem) {
  std::string broker = "CADENZA_KAFKA_BROKERS=127.0.0.1:9092", prefix = "CADENZA_KAFKA_TOPIC_PREFIX=t.";
  char* env[] = {broker.data(), prefix.data(), nullptr};
  Settings s = ReadEnvironment(env);
  EXPECT_EQ(s.at("kafka_brokers"), "127.0.0.1:9092");
  EXPECT_EQ(s.at("kafka_topic_prefix"), "t.");
  test_support::TempDir temp;
  auto path = temp.path() / "cadenza.toml";
  {
    std::ofstream out(path);
    out << "kafka_timeout = \"5s\"\n";
  }
  EXPECT_EQ(BuildConfig({{"file", ReadConfigFile(path)}}).kafka_timeout, std::chrono::seconds(5));
  const std::vector<std::string>& names = SettingNames();
  for (const char* name : {"kafka_brokers", "kafka_topic_prefix", "kafka_timeout", "kafka_group_id"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name << " has no flag";
  }
}

}  // namespace
}  // namespace cadenza::app
