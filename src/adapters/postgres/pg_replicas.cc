#include "adapters/postgres/pg_replicas.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "domain/error.h"

namespace cadenza::pg {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr milliseconds kMinHistory{60000};

// One probe query on a connection of the monitor's own, (re)connecting first when needed.
// nullopt when the server cannot be reached or the answer is not a position (NULL: not a
// replica, or a primary asked for its replay position).
std::optional<Lsn> Probe(std::unique_ptr<Connection>& connection, const std::string& url,
                         milliseconds timeout, const char* sql) {
  try {
    if (!connection || connection->broken()) {
      connection.reset();
      connection = std::make_unique<Connection>(url, timeout);
    }
    Result result = connection->Exec(sql);
    if (result.Rows() != 1 || result.IsNull(0, 0)) return std::nullopt;
    return ParseLsn(result.Text(0, 0));
  } catch (const Error&) {
    if (connection && connection->broken()) connection.reset();
    return std::nullopt;
  }
}

}  // namespace

std::optional<Lsn> ParseLsn(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() ||
      slash > 8 || text.size() - slash - 1 > 8) {
    return std::nullopt;
  }
  std::uint32_t high = 0;
  std::uint32_t low = 0;
  auto parse = [](std::string_view part, std::uint32_t& out) {
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), out, 16);
    return error == std::errc() && end == part.data() + part.size();
  };
  if (!parse(text.substr(0, slash), high) || !parse(text.substr(slash + 1), low)) {
    return std::nullopt;
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

std::string FormatLsn(Lsn lsn) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFFU));
  return buffer;
}

void PrimaryHistory::Add(Lsn lsn, Clock::time_point at) {
  samples_.push_back({lsn, at});
  while (samples_.size() > 1 && samples_.front().at < at - window_) samples_.pop_front();
}

std::optional<milliseconds> PrimaryHistory::LagAt(Lsn replayed, Clock::time_point now) const {
  if (samples_.empty()) return std::nullopt;
  if (replayed >= samples_.back().lsn) return milliseconds(0);
  // The newest sample the copy has reached: it holds everything the primary held then.
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (it->lsn <= replayed) return duration_cast<milliseconds>(now - it->at);
  }
  return std::nullopt;
}

ReplicaSet::ReplicaSet(ReplicaOptions options)
    : options_(std::move(options)),
      // Long enough that a copy behind every kept sample is surely more than max_lag behind,
      // and that a lag past it is still reported in numbers for a while (/readyz).
      history_(std::max<milliseconds>(options_.max_lag + 4 * options_.tick, kMinHistory)) {
  for (const std::string& url : options_.urls) {
    servers_.push_back(ServerName(url));
    pools_.push_back(std::make_unique<Pool>(url, options_.pool_size, options_.timeout));
  }
  replica_probes_.resize(options_.urls.size());
  {
    MutexLock lock(mutex_);
    states_.resize(options_.urls.size());
  }
  monitor_ = std::thread([this] { Loop(); });
}

ReplicaSet::~ReplicaSet() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  monitor_.join();
}

void ReplicaSet::Loop() {
  for (;;) {
    Tick();
    MutexLock lock(mutex_);
    auto until = std::chrono::steady_clock::now() + options_.tick;
    while (!stopping_ && wake_.WaitUntil(lock, until)) {
    }
    if (stopping_) return;
  }
}

void ReplicaSet::Tick() {
  std::optional<Lsn> primary =
      Probe(primary_probe_, options_.primary_url, options_.timeout, "SELECT pg_current_wal_lsn()::text");
  // Without the primary's position no lag can be measured: the last known state stands.
  if (!primary) return;
  history_.Add(*primary, PrimaryHistory::Clock::now());
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    {
      MutexLock lock(mutex_);
      if (stopping_) return;
    }
    State state;
    std::optional<Lsn> replayed = Probe(replica_probes_[i], options_.urls[i], options_.timeout,
                                        "SELECT pg_last_wal_replay_lsn()::text");
    if (replayed) {
      state.reachable = true;
      state.replayed = *replayed;
      auto lag = history_.LagAt(*replayed, PrimaryHistory::Clock::now());
      if (lag) state.lag_ms = lag->count();
      state.usable = lag && *lag <= options_.max_lag;
    }
    Update(i, state);
  }
}

void ReplicaSet::Update(std::size_t replica, const State& state) {
  bool changed = false;
  {
    MutexLock lock(mutex_);
    changed = states_[replica].usable != state.usable;
    states_[replica] = state;
  }
  if (changed && options_.on_change) options_.on_change(StatusOf(replica, state));
}

std::optional<std::size_t> ReplicaSet::Pick(Lsn need) {
  MutexLock lock(mutex_);
  const std::size_t count = states_.size();
  const std::size_t start = next_++;
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t i = (start + k) % count;
    if (states_[i].usable && states_[i].replayed >= need) return i;
  }
  return std::nullopt;
}

void ReplicaSet::MarkFailed(std::size_t replica) {
  State state;
  {
    MutexLock lock(mutex_);
    if (!states_[replica].usable) return;
    states_[replica].usable = false;
    state = states_[replica];
  }
  if (options_.on_change) options_.on_change(StatusOf(replica, state));
}

std::vector<Catalog::ReplicaStatus> ReplicaSet::Statuses() {
  std::vector<State> states;
  {
    MutexLock lock(mutex_);
    states = states_;
  }
  std::vector<Catalog::ReplicaStatus> out;
  for (std::size_t i = 0; i < states.size(); ++i) out.push_back(StatusOf(i, states[i]));
  return out;
}

Catalog::ReplicaStatus ReplicaSet::StatusOf(std::size_t replica, const State& state) const {
  return Catalog::ReplicaStatus{servers_[replica], state.usable, state.lag_ms};
}

}  // namespace cadenza::pg
