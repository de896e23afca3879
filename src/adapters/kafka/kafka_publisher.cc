#include "adapters/kafka/kafka_publisher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "adapters/kafka/event_codec.h"
#include "domain/error.h"

namespace cadenza::kafka {

namespace {

constexpr const char* kUnavailableReason = "the event bus is unavailable";
// Past message.timeout.ms every message has had its report; this margin only covers the
// time the report takes to reach the waiting caller.
constexpr std::chrono::milliseconds kReportMargin{5000};

// One Publish call's messages still waiting for their delivery report. Each message holds a
// reference (its opaque), so a report arriving after Publish gave up finds it alive.
struct Batch final : KafkaProducer::DeliveryTarget {
  Mutex mutex;
  CondVar settled;
  std::size_t pending GUARDED_BY(mutex) = 0;
  std::string first_error GUARDED_BY(mutex);

  void Settle(const std::string& error) override {
    MutexLock lock(mutex);
    if (!error.empty() && first_error.empty()) first_error = error;
    --pending;
    if (pending == 0) settled.NotifyAll();
  }
};

// Enqueues one event; waits while librdkafka's queue is full. Returns the error, or NO_ERROR.
rd_kafka_resp_err_t Produce(rd_kafka_t* handle, const std::string& topic, const Event& event,
                            const std::shared_ptr<Batch>& batch,
                            std::chrono::steady_clock::time_point deadline) {
  std::string value = EncodeEvent(event);
  auto reference = std::make_unique<std::shared_ptr<KafkaProducer::DeliveryTarget>>(batch);
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
    // A full queue drains as reports are served; anything else is final.
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || std::chrono::steady_clock::now() >= deadline) return err;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

KafkaEventPublisher::KafkaEventPublisher(KafkaOptions options) : options_(std::move(options)) {
  MutexLock lock(mutex_);
  producer_ = std::make_shared<KafkaProducer>(options_);
  producers_created_ = 1;
}

int KafkaEventPublisher::producers_created() const {
  MutexLock lock(mutex_);
  return producers_created_;
}

std::shared_ptr<KafkaProducer> KafkaEventPublisher::UsableProducer() {
  MutexLock lock(mutex_);
  std::string fatal = producer_->FatalError();
  if (!fatal.empty()) {
    // Its queued messages have all failed; a new producer (a new producer id) starts clean.
    spdlog::warn("event bus: replacing the Kafka producer, which failed for good: {}", fatal);
    producer_ = std::make_shared<KafkaProducer>(options_);
    ++producers_created_;
  }
  return producer_;
}

void KafkaEventPublisher::Publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  std::shared_ptr<KafkaProducer> producer = UsableProducer();
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  auto batch = std::make_shared<Batch>();
  {
    MutexLock lock(batch->mutex);
    batch->pending = events.size();
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    rd_kafka_resp_err_t err = Produce(producer->handle(), TopicFor(options_.topic_prefix, events[i].type),
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
    throw Error::Unavailable(kUnavailableReason, "delivery failed: " + batch->first_error);
  }
}

}  // namespace cadenza::kafka
