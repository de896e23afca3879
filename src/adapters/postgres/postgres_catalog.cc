#include "adapters/postgres/postgres_catalog.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/pg_pool.h"
#include "adapters/postgres/pg_replicas.h"
#include "adapters/postgres/pg_repositories.h"
#include "adapters/postgres/pg_search_repository.h"
#include "domain/error.h"

namespace cadenza {
namespace {

using pg::Connection;
using pg::Lsn;
using pg::Pool;

constexpr char kReadBegin[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// A conflicting Write is run again while its first attempt began less than the timeout ago,
// and at least this many times.
constexpr int kMinAttempts = 3;

class PgTransaction final : public CatalogTransaction {
 public:
  PgTransaction(Connection& conn, pg::SearchStatistics& search_statistics)
      : users_(conn),
        artists_(conn),
        albums_(conn),
        tracks_(conn),
        playlists_(conn),
        uploads_(conn),
        blob_deletions_(conn),
        jobs_(conn),
        renditions_(conn),
        search_(conn, search_statistics),
        events_(conn),
        listening_(conn) {}

  UserRepository& users() override { return users_; }
  ArtistRepository& artists() override { return artists_; }
  AlbumRepository& albums() override { return albums_; }
  TrackRepository& tracks() override { return tracks_; }
  PlaylistRepository& playlists() override { return playlists_; }
  UploadRepository& uploads() override { return uploads_; }
  BlobDeletionQueue& blob_deletions() override { return blob_deletions_; }
  JobQueue& jobs() override { return jobs_; }
  RenditionRepository& renditions() override { return renditions_; }
  SearchRepository& search() override { return search_; }
  EventOutbox& events() override { return events_; }
  ListeningRepository& listening() override { return listening_; }

 private:
  pg::PgUserRepository users_;
  pg::PgArtistRepository artists_;
  pg::PgAlbumRepository albums_;
  pg::PgTrackRepository tracks_;
  pg::PgPlaylistRepository playlists_;
  pg::PgUploadRepository uploads_;
  pg::PgBlobDeletionQueue blob_deletions_;
  pg::PgJobQueue jobs_;
  pg::PgRenditionRepository renditions_;
  pg::PgSearchRepository search_;
  pg::PgEventOutbox events_;
  pg::PgListeningRepository listening_;
};

// The catalog whose Write this thread is inside, to refuse reentry (it would wait for a second
// connection while holding the first, and break the one-transaction promise).
thread_local const void* active_write = nullptr;

class WriteScope {
 public:
  explicit WriteScope(const void* catalog) : previous_(active_write) {
    if (previous_ == catalog) {
      throw std::logic_error("Catalog::Write and Migrate cannot be nested in a Write");
    }
    active_write = catalog;
  }
  ~WriteScope() { active_write = previous_; }
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

 private:
  const void* previous_;
};

// What reads on this thread must see, per catalog (by its serial number, never reused): the
// commit position of its last Write and the position of the live fence. Thread-local because
// a request's handler runs on one thread from start to end.
struct ThreadPositions {
  Lsn last_write = 0;
  Lsn fence = 0;
};
ThreadPositions& PositionsOf(std::uint64_t catalog) {
  thread_local std::unordered_map<std::uint64_t, ThreadPositions> positions;
  return positions[catalog];  // node-based: the reference outlives later insertions
}

class PgReadFence final : public Catalog::ReadFence {
 public:
  PgReadFence(ThreadPositions& positions, Lsn fence)
      : positions_(positions), saved_(positions) {
    positions_.fence = std::max(positions_.fence, fence);
    positions_.last_write = 0;  // LastWritePosition() names only the Writes made under it
  }
  ~PgReadFence() override {
    positions_.fence = saved_.fence;
    positions_.last_write = std::max(saved_.last_write, positions_.last_write);
  }
  PgReadFence(const PgReadFence&) = delete;
  PgReadFence& operator=(const PgReadFence&) = delete;

 private:
  ThreadPositions& positions_;
  const ThreadPositions saved_;
};

std::uint64_t NextCatalogSerial() {
  static std::atomic<std::uint64_t> serial{1};
  return serial.fetch_add(1);
}

void Backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int ceiling = 1 << std::min(attempt, 6);  // 1..64 ms
  std::uniform_int_distribution<int> pick(0, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(pick(random)));
}

class PostgresCatalog final : public Catalog {
 public:
  explicit PostgresCatalog(const PostgresOptions& options)
      : pool_(options.url, options.pool_size, options.timeout),
        pool_size_(options.pool_size),
        timeout_(options.timeout),
        serial_(NextCatalogSerial()) {
    // Fails here, not at the first request, when the server is unreachable or refuses us.
    pool_.Acquire();
    if (!options.replica_urls.empty()) {
      // Replicas are not required at start: they serve reads once the monitor has seen them.
      replicas_ = std::make_unique<pg::ReplicaSet>(pg::ReplicaOptions{
          .primary_url = options.url,
          .urls = options.replica_urls,
          .pool_size = options.pool_size,
          .timeout = options.timeout,
          .max_lag = options.replica_max_lag,
          .on_change = options.on_replica_change});
    }
  }

  void Write(const std::function<void(CatalogTransaction&)>& fn) override {
    WriteScope scope(this);
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (int attempt = 1;; ++attempt) {
      try {
        Lsn position = Run(pool_, "BEGIN ISOLATION LEVEL SERIALIZABLE", fn, replicas_ != nullptr);
        ThreadPositions& mine = PositionsOf(serial_);
        mine.last_write = std::max(mine.last_write, position);
        return;
      } catch (const pg::RetryTransaction& e) {
        if (attempt >= kMinAttempts && std::chrono::steady_clock::now() >= deadline) {
          throw Error(ErrorCode::kUnavailable,
                      std::string("database busy: too many conflicting writers (") + e.what() +
                          ")");
        }
        Backoff(attempt);
      }
    }
  }

  void Read(const std::function<void(CatalogTransaction&)>& fn) override {
    // Inside a Write, a read must see the last committed state: only the primary has it.
    if (replicas_ != nullptr && active_write != this) {
      const ThreadPositions& mine = PositionsOf(serial_);
      if (auto replica = replicas_->Pick(std::max(mine.last_write, mine.fence))) {
        try {
          Run(replicas_->pool(*replica), kReadBegin, fn, false);
          return;
        } catch (const pg::RetryTransaction&) {
          // A recovery conflict cancelled the snapshot: the primary has none.
        } catch (const Error& e) {
          if (e.code() != ErrorCode::kUnavailable) throw;  // the callback's own outcome
        }
        // A read-only snapshot is safe to run again; callers never see the replica's failure.
        replicas_->MarkFailed(*replica);
      }
    }
    ReadLatest(fn);
  }

  void ReadLatest(const std::function<void(CatalogTransaction&)>& fn) override {
    try {
      Run(pool_, kReadBegin, fn, false);
    } catch (const pg::RetryTransaction& e) {
      // A read-only snapshot is never a serialization victim; keep the port's error contract.
      throw Error(ErrorCode::kUnavailable, std::string("database busy: ") + e.what());
    }
  }

  std::string LastWritePosition() override {
    if (replicas_ == nullptr) return {};
    Lsn last = PositionsOf(serial_).last_write;
    return last == 0 ? std::string() : pg::FormatLsn(last);
  }

  std::unique_ptr<ReadFence> FenceReads(std::string_view position) override {
    if (replicas_ == nullptr) return nullptr;
    // An invalid position (a client's cookie) is no fence, never an error.
    return std::make_unique<PgReadFence>(PositionsOf(serial_), pg::ParseLsn(position).value_or(0));
  }

  std::vector<ReplicaStatus> Replicas() override {
    return replicas_ == nullptr ? std::vector<ReplicaStatus>() : replicas_->Statuses();
  }

  int Migrate() override {
    WriteScope scope(this);
    Pool::Lease conn = pool_.Acquire();
    return pg::ApplyMigrations(*conn, pg::AllMigrations());
  }

  bool Healthy() override {
    try {
      Pool::Lease conn = pool_.Acquire();
      return conn->Exec("SELECT 1").Int(0, 0) == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  // Runs `fn` between `begin` and COMMIT on a connection of `pool`; rolls back and rethrows on
  // any exception. A connection that turns out dead at BEGIN is replaced and BEGIN tried
  // again: nothing has run yet, so nothing can have happened twice. With `position`, returns
  // the commit's position (0 when it could not be read).
  Lsn Run(Pool& pool, const char* begin, const std::function<void(CatalogTransaction&)>& fn,
          bool position) {
    for (int tries = 0;; ++tries) {
      Pool::Lease conn = pool.Acquire();
      try {
        conn->Script(begin);
        conn->TakeRetryNeeded();
      } catch (const Error&) {
        // Every pooled connection may have died with a server restart: try each once.
        if (conn->broken() && tries < pool_size_) continue;
        throw;
      }
      try {
        PgTransaction tx(*conn, search_statistics_);
        fn(tx);
        if (conn->TakeRetryNeeded()) throw pg::RetryTransaction("a conflict was caught");
        conn->Script("COMMIT");
        return position ? CommitPosition(*conn) : 0;
      } catch (...) {
        conn->RollbackQuietly();
        // The callback may have caught the conflict and failed otherwise: rerun it all the same.
        if (conn->TakeRetryNeeded()) throw pg::RetryTransaction("the transaction conflicted");
        throw;
      }
    }
  }

  // The primary's WAL insert position just after a COMMIT: past the commit record, so a
  // replica that has replayed up to it sees the transaction. Taken on the same connection, or
  // another of the primary's (the insert position only grows); 0 when neither answers, which
  // leaves the commit unfenced rather than failing a Write that did commit.
  Lsn CommitPosition(Connection& conn) {
    constexpr char kSql[] = "SELECT pg_current_wal_insert_lsn()::text";
    try {
      return pg::ParseLsn(conn.Exec(kSql).Text(0, 0)).value_or(0);
    } catch (const Error&) {
      try {
        Pool::Lease other = pool_.Acquire();
        return pg::ParseLsn(other->Exec(kSql).Text(0, 0)).value_or(0);
      } catch (const Error&) {
        return 0;
      }
    }
  }

  Pool pool_;
  const int pool_size_;
  const std::chrono::milliseconds timeout_;
  const std::uint64_t serial_;
  std::unique_ptr<pg::ReplicaSet> replicas_;  // null without replica_urls
  pg::SearchStatistics search_statistics_;      // the same on replicas: pg_stats replicates
};

}  // namespace

std::unique_ptr<Catalog> OpenPostgresCatalog(const PostgresOptions& options) {
  if (options.pool_size < 1) {
    throw std::invalid_argument("PostgresOptions::pool_size must be at least 1");
  }
  if (options.timeout.count() <= 0) {
    throw std::invalid_argument("PostgresOptions::timeout must be positive");
  }
  return std::make_unique<PostgresCatalog>(options);
}

}  // namespace cadenza
