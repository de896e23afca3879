#include "adapters/kafka/kafka_publisher.h"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "adapters/kafka/event_codec.h"
#include "base/mutex.h"
#include "domain/error.h"

namespace cadenza::kafka {

namespace {

constexpr const char* kUnavailableReason = "the event bus is unavailable";
// Past message.timeout.ms every message has had its report; this margin only covers the
// time the report takes to reach the waiting caller.
constexpr std::chrono::milliseconds kReportMargin{5000};

// One Publish call's messages still waiting for their delivery report. Each message holds a
// reference (its opaque), so a report arriving after Publish gave up finds it alive.
struct Batch {
  Mutex mutex;
  CondVar settled;
  std::size_t pending GUARDED_BY(mutex) = 0;
  std::string first_error GUARDED_BY(mutex);

  void Settle(const std::string& error) {
    MutexLock lock(mutex);
    if (!error.empty() && first_error.empty()) first_error = error;
    --pending;
    if (pending == 0) settled.NotifyAll();
  }
};

void OnDelivery(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  std::unique_ptr<std::shared_ptr<Batch>> batch(static_cast<std::shared_ptr<Batch>*>(message->_private));
  if (!batch) return;
  (*batch)->Settle(message->err == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string()
                                                              : rd_kafka_err2str(message->err));
}

// Enqueues one event; waits while librdkafka's queue is full. Returns the error, or NO_ERROR.
rd_kafka_resp_err_t Produce(rd_kafka_t* handle, const std::string& topic, const Event& event,
                            const std::shared_ptr<Batch>& batch,
                            std::chrono::steady_clock::time_point deadline) {
  std::string value = EncodeEvent(event);
  auto reference = std::make_unique<std::shared_ptr<Batch>>(batch);
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        handle, RD_KAFKA_V_TOPIC(topic.c_str()),
        RD_KAFKA_V_KEY(event.key.data(), event.key.size()),
        RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER(kEventIdHeader, event.id.data(), static_cast<ssize_t>(event.id.size())),
        RD_KAFKA_V_HEADER(kEventTypeHeader, event.type.data(), static_cast<ssize_t>(event.type.size())),
        RD_KAFKA_V_OPAQUE(reference.get()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)reference.release();  // the delivery report frees it
      return err;
    }
    // A full queue drains as reports are served (ServeDeliveryReports); anything else is final.
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || std::chrono::steady_clock::now() >= deadline) return err;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
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

KafkaEventPublisher::KafkaEventPublisher(KafkaOptions options) : options_(std::move(options)) {
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", options_.brokers},
      {"client.id", options_.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // Java's partitioner, so that a key lands on the same partition whichever client wrote it.
      {"partitioner", "murmur2_random"},
      // Every message gets its report within the timeout: delivered, or failed.
      {"message.timeout.ms", std::to_string(options_.timeout.count())},
      {"linger.ms", "5"},
  };
  properties.insert(properties.end(), options_.properties.begin(), options_.properties.end());
  KafkaConf conf = MakeConf(properties);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), OnError);
  handle_ = MakeHandle(RD_KAFKA_PRODUCER, std::move(conf));
  reports_thread_ = std::thread([this] { ServeDeliveryReports(); });
}

KafkaEventPublisher::~KafkaEventPublisher() {
  stopping_ = true;
  reports_thread_.join();
  // rd_kafka_flush serves the last reports itself.
  if (rd_kafka_flush(handle_.get(), static_cast<int>(options_.timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("event bus: {} events still unacknowledged at shutdown (they stay in the outbox)",
                 rd_kafka_outq_len(handle_.get()));
  }
}

void KafkaEventPublisher::ServeDeliveryReports() {
  while (!stopping_) rd_kafka_poll(handle_.get(), 100);
}

void KafkaEventPublisher::Publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  auto batch = std::make_shared<Batch>();
  {
    MutexLock lock(batch->mutex);
    batch->pending = events.size();
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    rd_kafka_resp_err_t err = Produce(handle_.get(), TopicFor(options_.topic_prefix, events[i].type),
                                      events[i], batch, deadline);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // The rest stay unsent: sending them would put later events of a key before this one.
      for (std::size_t unsent = i; unsent < events.size(); ++unsent) batch->Settle(rd_kafka_err2str(err));
      break;
    }
  }
  MutexLock lock(batch->mutex);
  while (batch->pending > 0) {
    if (!batch->settled.WaitUntil(lock, deadline + kReportMargin) && batch->pending > 0) {
      throw Error::Unavailable(kUnavailableReason,
                               std::to_string(batch->pending) + " events without a delivery report");
    }
  }
  if (!batch->first_error.empty()) {
    std::array<char, 256> fatal{};
    if (rd_kafka_fatal_error(handle_.get(), fatal.data(), fatal.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::error("event bus: the Kafka producer failed for good: {}", fatal.data());
    }
    throw Error::Unavailable(kUnavailableReason, "delivery failed: " + batch->first_error);
  }
}

}  // namespace cadenza::kafka
