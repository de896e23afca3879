#include "adapters/kafka/kafka_subscription.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

#include "adapters/kafka/event_codec.h"
#include "domain/error.h"

namespace cadenza::kafka {

namespace {

struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct TopicListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};

std::string TopicName(const rd_kafka_message_t& message) {
  return message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "?";
}

}  // namespace

KafkaEventSubscription::KafkaEventSubscription(KafkaOptions options, std::string group_id,
                                               std::vector<std::string> topics)
    : options_(std::move(options)) {
  if (topics.empty()) topics = AllTopics(options_.topic_prefix);
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", options_.brokers},
      {"client.id", options_.client_id},
      {"group.id", group_id},
      // Commit() commits the offsets Poll stored as it returned each message.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "true"},
      {"auto.offset.reset", "earliest"},
  };
  properties.insert(properties.end(), options_.properties.begin(), options_.properties.end());
  KafkaConf conf = MakeConf(properties);
  rd_kafka_conf_set_error_cb(conf.get(), OnClientError);
  rd_kafka_conf_set_opaque(conf.get(), this);
  handle_ = MakeHandle(RD_KAFKA_CONSUMER, std::move(conf));
  // Serve everything from the consumer queue, so Poll alone drives the client.
  rd_kafka_poll_set_consumer(handle_.get());
  std::unique_ptr<rd_kafka_topic_partition_list_t, TopicListDeleter> list(
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(handle_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::invalid_argument(std::string("Kafka subscription: ") + rd_kafka_err2str(err));
  }
}

KafkaEventSubscription::~KafkaEventSubscription() {
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(handle_.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("event bus: leaving the consumer group: {}", rd_kafka_err2str(err));
  }
}

void KafkaEventSubscription::OnConsumerError(const rd_kafka_message_t& message) {
  if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  spdlog::warn("event bus: consuming {}: {}", TopicName(message), rd_kafka_message_errstr(&message));
}

void KafkaEventSubscription::OnClientError(rd_kafka_t* /*handle*/, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaEventSubscription*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->all_brokers_down_ = true;
  self->last_client_error_ = reason;
  // librdkafka's log already has the line; it reconnects on its own.
  spdlog::debug("event bus: {}", reason);
}

std::vector<Event> KafkaEventSubscription::Poll(std::chrono::milliseconds timeout, int max_events) {
  std::vector<Event> events;
  all_brokers_down_ = false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (static_cast<int>(events.size()) < max_events) {
    // Wait for the first event only; then take what has already arrived.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int wait_ms = events.empty() ? static_cast<int>(std::max<std::int64_t>(left.count(), 0)) : 0;
    Message message(rd_kafka_consumer_poll(handle_.get(), wait_ms));
    if (!message) {
      if (!events.empty() || left.count() <= 0) break;
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      OnConsumerError(*message);
      continue;
    }
    std::string reason;
    std::string_view value(static_cast<const char*>(message->payload), message->payload != nullptr ? message->len : 0);
    if (std::optional<Event> event = DecodeEvent(value, &reason)) {
      events.push_back(std::move(*event));
    } else {
      spdlog::warn("event bus: skipped a malformed message at {} [{}] offset {}: {}", TopicName(*message),
                   message->partition, message->offset, reason);
    }
  }
  if (events.empty() && all_brokers_down_) {
    throw Error::Unavailable("the event bus is unavailable", last_client_error_);
  }
  return events;
}

void KafkaEventSubscription::Commit() {
  rd_kafka_resp_err_t err = rd_kafka_commit(handle_.get(), nullptr, /*async=*/0);
  // __NO_OFFSET: nothing was consumed since the last commit.
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    throw Error::Unavailable("the event bus is unavailable", std::string("commit: ") + rd_kafka_err2str(err));
  }
}

}  // namespace cadenza::kafka
