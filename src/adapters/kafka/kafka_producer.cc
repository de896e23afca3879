#include "adapters/kafka/kafka_producer.h"

#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <utility>
#include <vector>

namespace cadenza::kafka {

namespace {

void OnDelivery(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  using Target = std::shared_ptr<KafkaProducer::DeliveryTarget>;
  std::unique_ptr<Target> target(static_cast<Target*>(message->_private));
  if (!target) return;
  (*target)->Settle(message->err == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string() : rd_kafka_err2str(message->err));
}

// Errors librdkafka reports outside any message (a broker disconnected, all brokers down): it
// retries on its own, its log already has them, and a message it cannot deliver in time fails
// its Publish. Only a fatal error, after which the producer sends nothing, is news.
void OnError(rd_kafka_t* /*handle*/, int err, const char* reason, void* /*opaque*/) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    spdlog::error("event bus: the Kafka producer failed for good: {}", reason);
  } else {
    spdlog::debug("event bus: {}", reason);
  }
}

}  // namespace

KafkaProducer::KafkaProducer(const KafkaOptions& options)
    : flush_timeout_ms_(static_cast<int>(options.timeout.count())) {
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // Java's partitioner, so that a key lands on the same partition whichever client wrote it.
      {"partitioner", "murmur2_random"},
      // Every message gets its report within the timeout: delivered, or failed.
      {"message.timeout.ms", std::to_string(options.timeout.count())},
      {"linger.ms", "5"},
  };
  properties.insert(properties.end(), options.properties.begin(), options.properties.end());
  KafkaConf conf = MakeConf(properties);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), OnError);
  handle_ = MakeHandle(RD_KAFKA_PRODUCER, std::move(conf));
  reports_thread_ = std::thread([this] {
    while (!stopping_) rd_kafka_poll(handle_.get(), 100);
  });
}

KafkaProducer::~KafkaProducer() {
  stopping_ = true;
  reports_thread_.join();
  // rd_kafka_flush serves the last reports itself.
  if (rd_kafka_flush(handle_.get(), flush_timeout_ms_) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("event bus: {} events still unacknowledged when closing the producer",
                 rd_kafka_outq_len(handle_.get()));
  }
}

std::string KafkaProducer::FatalError() const {
  std::array<char, 512> reason{};
  if (rd_kafka_fatal_error(handle_.get(), reason.data(), reason.size()) == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  return reason.data();
}

}  // namespace cadenza::kafka
