#pragma once
// Streaming replicas that serve reads: a pool for each, their replay positions and lag measured
// by a monitor thread, and the choice of a replica for a read.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/postgres/pg_pool.h"
#include "base/mutex.h"
#include "ports/catalog.h"

namespace cadenza::pg {

// A WAL position (pg_lsn) as a number; 0 is "none".
using Lsn = std::uint64_t;
// "16/B374D848" -> its number; nullopt for anything else (an empty or NULL result included).
std::optional<Lsn> ParseLsn(std::string_view text);
std::string FormatLsn(Lsn lsn);

// The primary's WAL positions sampled over time, to bound how stale a replica is from its
// replay position alone (the clocks of the servers are never compared).
class PrimaryHistory {
 public:
  using Clock = std::chrono::steady_clock;
  // Keeps the samples of the last `window` (and always the newest).
  explicit PrimaryHistory(std::chrono::milliseconds window) : window_(window) {}
  void Add(Lsn lsn, Clock::time_point at);
  bool empty() const { return samples_.empty(); }
  // An upper bound of the staleness at `now` of a copy that has replayed up to `replayed`: 0
  // when it has replayed the newest sample, else `now` minus the time of the newest sample it
  // has reached. nullopt when it has reached none kept (it may be any amount behind).
  std::optional<std::chrono::milliseconds> LagAt(Lsn replayed, Clock::time_point now) const;

 private:
  struct Sample {
    Lsn lsn;
    Clock::time_point at;
  };
  std::chrono::milliseconds window_;
  std::deque<Sample> samples_;  // oldest first
};

struct ReplicaOptions {
  std::string primary_url;
  std::vector<std::string> urls;
  int pool_size = 10;
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds max_lag{5000};
  std::chrono::milliseconds tick{250};
  // Called on the monitor thread (or the reading thread, for a failed read) when a replica
  // leaves or rejoins the usable set.
  std::function<void(const Catalog::ReplicaStatus&)> on_change;
};

// Thread-safe. Starts the monitor at construction (replicas are unusable until it has seen
// them within the lag) and stops it at destruction, within one query or connection attempt.
class ReplicaSet {
 public:
  explicit ReplicaSet(ReplicaOptions options);
  ~ReplicaSet();
  ReplicaSet(const ReplicaSet&) = delete;
  ReplicaSet& operator=(const ReplicaSet&) = delete;

  // A usable replica whose last sampled replay position is at least `need`, taking turns
  // across replicas; nullopt when there is none (read on the primary).
  std::optional<std::size_t> Pick(Lsn need) EXCLUDES(mutex_);
  Pool& pool(std::size_t replica) { return *pools_[replica]; }
  // A read on `replica` failed (connection lost, recovery conflict): unusable until the
  // monitor sees it healthy again.
  void MarkFailed(std::size_t replica) EXCLUDES(mutex_);
  std::vector<Catalog::ReplicaStatus> Statuses() EXCLUDES(mutex_);

 private:
  struct State {
    bool reachable = false;
    bool usable = false;
    Lsn replayed = 0;
    std::optional<std::int64_t> lag_ms;
  };
  void Loop() EXCLUDES(mutex_);
  void Tick() EXCLUDES(mutex_);
  void Update(std::size_t replica, const State& state) EXCLUDES(mutex_);
  Catalog::ReplicaStatus StatusOf(std::size_t replica, const State& state) const;

  const ReplicaOptions options_;
  std::vector<std::string> servers_;            // host:port/database of each replica
  std::vector<std::unique_ptr<Pool>> pools_;
  // Used by the monitor thread only.
  std::unique_ptr<Connection> primary_probe_;
  std::vector<std::unique_ptr<Connection>> replica_probes_;
  PrimaryHistory history_;

  Mutex mutex_;
  CondVar wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::vector<State> states_ GUARDED_BY(mutex_);
  std::size_t next_ GUARDED_BY(mutex_) = 0;
  std::thread monitor_;
};

}  // namespace cadenza::pg
