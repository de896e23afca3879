#pragma once
// One idempotent librdkafka producer and the thread that serves its delivery reports: what
// KafkaEventPublisher sends through, and replaces when it has failed for good. Internal to
// adapters/kafka.
#include <atomic>
#include <string>
#include <thread>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/kafka_options.h"

namespace cadenza::kafka {

class KafkaProducer {
 public:
  // Each message's opaque must be a heap `std::shared_ptr<DeliveryTarget>*`: its report calls
  // Settle on the target, then deletes the pointer.
  struct DeliveryTarget {
    virtual ~DeliveryTarget() = default;
    // `error` is empty when the message was acknowledged.
    virtual void Settle(const std::string& error) = 0;
  };

  // Throws std::invalid_argument when librdkafka refuses the options.
  explicit KafkaProducer(const KafkaOptions& options);
  // Waits up to options.timeout for messages still in flight.
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  rd_kafka_t* handle() const { return handle_.get(); }
  // Empty while usable; else why it will never send again (librdkafka's fatal error, raised
  // when the idempotence guarantees cannot be kept).
  std::string FatalError() const;

 private:
  KafkaHandle handle_;
  int flush_timeout_ms_;
  std::atomic<bool> stopping_{false};
  std::thread reports_thread_;
};

}  // namespace cadenza::kafka
