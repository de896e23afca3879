#include "http/server_state.h"

namespace cadenza::http {

void ServerState::AddConnection(const std::shared_ptr<Connection>& connection) {
  MutexLock lock(mutex_);
  connections_[connection.get()] = connection;
}

void ServerState::RemoveConnection(const Connection* connection) {
  MutexLock lock(mutex_);
  connections_.erase(connection);
}

std::vector<std::shared_ptr<Connection>> ServerState::Connections() {
  std::vector<std::shared_ptr<Connection>> open;
  MutexLock lock(mutex_);
  for (const auto& [key, weak] : connections_) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

void ServerState::BeginRequest() {
  MutexLock lock(mutex_);
  ++in_flight_;
}

void ServerState::EndRequest() {
  MutexLock lock(mutex_);
  if (--in_flight_ == 0) idle_.NotifyAll();
}

bool ServerState::WaitForNoRequests(std::chrono::steady_clock::time_point deadline) {
  MutexLock lock(mutex_);
  while (in_flight_ != 0) {
    if (!idle_.WaitUntil(lock, deadline)) return in_flight_ == 0;
  }
  return true;
}

}  // namespace cadenza::http
