#pragma once
// What the server shares with its connections: options, routes, the blocking-work pool, the
// stop flag, the set of open connections and the count of requests in flight. Thread-safe.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "base/mutex.h"
#include "http/router.h"
#include "http/server.h"

namespace cadenza::http {

class Connection;

class ServerState {
 public:
  ServerState(ServerOptions options, std::shared_ptr<const Router> router,
              boost::asio::thread_pool& pool)
      : options_(std::move(options)), router_(std::move(router)), pool_(pool) {}

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return *router_; }
  boost::asio::thread_pool& pool() { return pool_; }

  bool stopping() const { return stopping_.load(); }
  void SetStopping() { stopping_.store(true); }

  // Why a new connection was not admitted.
  enum class Admission { kAdmitted, kServerFull, kAddressFull };
  // Registers `connection` from `address` unless that passes options().max_connections or
  // max_connections_per_address; nothing is registered when it is not admitted.
  Admission AddConnection(const std::shared_ptr<Connection>& connection,
                          const std::string& address);
  // Forgets a connection (a no-op for one never admitted).
  void RemoveConnection(const Connection* connection);
  // The connections open now (those that are still alive).
  std::vector<std::shared_ptr<Connection>> Connections();

  void BeginRequest();
  void EndRequest();
  // Blocks until no request is in flight or `deadline` passes; true when none is in flight.
  bool WaitForNoRequests(std::chrono::steady_clock::time_point deadline);

 private:
  const ServerOptions options_;
  const std::shared_ptr<const Router> router_;
  boost::asio::thread_pool& pool_;
  std::atomic<bool> stopping_{false};

  Mutex mutex_;
  CondVar idle_;
  int in_flight_ GUARDED_BY(mutex_) = 0;
  struct Entry {
    std::weak_ptr<Connection> connection;
    std::string address;
  };
  std::unordered_map<const Connection*, Entry> connections_ GUARDED_BY(mutex_);
  std::unordered_map<std::string, std::size_t> per_address_ GUARDED_BY(mutex_);
};

// Counts one request as in flight for its lifetime.
class InFlightRequest {
 public:
  explicit InFlightRequest(ServerState& state) : state_(state) { state_.BeginRequest(); }
  ~InFlightRequest() { state_.EndRequest(); }
  InFlightRequest(const InFlightRequest&) = delete;
  InFlightRequest& operator=(const InFlightRequest&) = delete;

 private:
  ServerState& state_;
};

}  // namespace cadenza::http
