#include "adapters/kafka/kafka_config.h"

#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

namespace cadenza::kafka {

namespace {

// librdkafka logs with syslog levels; its own threads call this, so it only hands the line on.
// It logs a broker it cannot reach as an error (3), which it retries on its own: a warning.
void LogLine(const rd_kafka_t* /*handle*/, int level, const char* facility, const char* message) {
  spdlog::level::level_enum spd_level = spdlog::level::debug;
  if (level <= 2) {
    spd_level = spdlog::level::err;
  } else if (level <= 4) {
    spd_level = spdlog::level::warn;
  } else if (level <= 6) {
    spd_level = spdlog::level::info;
  }
  spdlog::log(spd_level, "kafka {}: {}", facility, message);
}

}  // namespace

KafkaConf MakeConf(const std::vector<std::pair<std::string, std::string>>& properties) {
  KafkaConf conf(rd_kafka_conf_new());
  std::array<char, 512> error{};
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK) {
      throw std::invalid_argument("Kafka property " + name + ": " + error.data());
    }
  }
  rd_kafka_conf_set_log_cb(conf.get(), LogLine);
  return conf;
}

KafkaHandle MakeHandle(rd_kafka_type_t type, KafkaConf conf) {
  std::array<char, 512> error{};
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
  if (handle == nullptr) throw std::invalid_argument(std::string("Kafka client: ") + error.data());
  (void)conf.release();  // rd_kafka_new owns it now
  return KafkaHandle(handle);
}

}  // namespace cadenza::kafka
