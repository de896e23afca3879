#include "http/server_state.h"

namespace cadenza::http {

ServerState::Admission ServerState::AddConnection(const std::shared_ptr<Connection>& connection,
                                                  const std::string& address) {
  MutexLock lock(mutex_);
  if (connections_.size() >= options_.max_connections) return Admission::kServerFull;
  std::size_t& from_address = per_address_[address];
  if (options_.max_connections_per_address > 0 &&
      from_address >= options_.max_connections_per_address) {
    return Admission::kAddressFull;
  }
  ++from_address;
  connections_[connection.get()] = Entry{connection, address};
  return Admission::kAdmitted;
}

void ServerState::RemoveConnection(const Connection* connection) {
  MutexLock lock(mutex_);
  auto entry = connections_.find(connection);
  if (entry == connections_.end()) return;
  if (auto count = per_address_.find(entry->second.address);
      count != per_address_.end() && --count->second == 0) {
    per_address_.erase(count);
  }
  connections_.erase(entry);
}

std::vector<std::shared_ptr<Connection>> ServerState::Connections() {
  std::vector<std::shared_ptr<Connection>> open;
  MutexLock lock(mutex_);
  for (const auto& [key, entry] : connections_) {
    if (auto connection = entry.connection.lock()) open.push_back(std::move(connection));
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
