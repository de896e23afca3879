#include "http/server_state.h"

namespace cadenza::http {

void ServerState::AddConnection(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  connections_[connection.get()] = connection;
}

void ServerState::RemoveConnection(const Connection* connection) {
  std::lock_guard lock(mutex_);
  connections_.erase(connection);
}

std::vector<std::shared_ptr<Connection>> ServerState::Connections() {
  std::vector<std::shared_ptr<Connection>> open;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

void ServerState::BeginRequest() {
  std::lock_guard lock(mutex_);
  ++in_flight_;
}

void ServerState::EndRequest() {
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

bool ServerState::WaitForNoRequests(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
}

}  // namespace cadenza::http
