#pragma once
// librdkafka's mock cluster in this process: brokers on free loopback ports that speak the
// Kafka protocol (produce, fetch, consumer groups, idempotence), whose brokers a test can take
// down and bring back. Each test starts its own. Needs no header of src/.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>
#include <stdexcept>
#include <string>

namespace cadenza::test_support {

class KafkaMockCluster {
 public:
  // Brokers are numbered 1..brokers.
  explicit KafkaMockCluster(int brokers = 3) {
    std::array<char, 512> error{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The handle only hosts the cluster's thread; keep its own logging quiet.
    rd_kafka_conf_set(conf, "log_level", "3", error.data(), error.size());
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error.data(), error.size());
    if (handle_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("mock cluster handle: ") + error.data());
    }
    cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
    if (cluster_ == nullptr) {
      rd_kafka_destroy(handle_);
      throw std::runtime_error("rd_kafka_mock_cluster_new failed");
    }
    bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  ~KafkaMockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  KafkaMockCluster(const KafkaMockCluster&) = delete;
  KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

  // "127.0.0.1:port,...": what clients are given as bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  rd_kafka_mock_cluster_t* get() const { return cluster_; }

  void CreateTopic(const std::string& topic, int partitions, int replication = 3) {
    Check(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication), "create " + topic);
  }
  void SetLeader(const std::string& topic, int partition, int broker) {
    Check(rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker), "set leader");
  }
  // Down: its connections are closed and new ones refused, until SetBrokerUp.
  void SetBrokerDown(int broker) { Check(rd_kafka_mock_broker_set_down(cluster_, broker), "broker down"); }
  void SetBrokerUp(int broker) { Check(rd_kafka_mock_broker_set_up(cluster_, broker), "broker up"); }

  // Writes one message of arbitrary bytes with a plain producer of its own (not Cadenza's
  // adapter), waiting until it is acknowledged.
  void ProduceRaw(const std::string& topic, const std::string& key, const std::string& value) const {
    std::array<char, 512> error{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_servers_.c_str(), error.data(), error.size());
    rd_kafka_conf_set(conf, "partitioner", "murmur2_random", error.data(), error.size());
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error.data(), error.size());
    if (producer == nullptr) throw std::runtime_error(std::string("raw producer: ") + error.data());
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = rd_kafka_flush(producer, 30000);
    rd_kafka_destroy(producer);
    Check(err, "raw produce");
  }

 private:
  static void Check(rd_kafka_resp_err_t err, const std::string& what) {
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(what + ": " + rd_kafka_err2str(err));
  }

  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_servers_;
};

}  // namespace cadenza::test_support
