#include "adapters/postgres/postgres_catalog.h"

#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/pg_pool.h"
#include "adapters/postgres/pg_repositories.h"
#include "domain/error.h"

namespace cadenza {
namespace {

using pg::Connection;
using pg::Pool;

// A conflicting Write is run again while its first attempt began less than the timeout ago,
// and at least this many times.
constexpr int kMinAttempts = 3;

class PgTransaction final : public CatalogTransaction {
 public:
  explicit PgTransaction(Connection& conn)
      : users_(conn),
        artists_(conn),
        albums_(conn),
        tracks_(conn),
        playlists_(conn),
        uploads_(conn),
        blob_deletions_(conn),
        jobs_(conn),
        renditions_(conn) {}

  UserRepository& users() override { return users_; }
  ArtistRepository& artists() override { return artists_; }
  AlbumRepository& albums() override { return albums_; }
  TrackRepository& tracks() override { return tracks_; }
  PlaylistRepository& playlists() override { return playlists_; }
  UploadRepository& uploads() override { return uploads_; }
  BlobDeletionQueue& blob_deletions() override { return blob_deletions_; }
  JobQueue& jobs() override { return jobs_; }
  RenditionRepository& renditions() override { return renditions_; }

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
        timeout_(options.timeout) {
    // Fails here, not at the first request, when the server is unreachable or refuses us.
    pool_.Acquire();
  }

  void Write(const std::function<void(CatalogTransaction&)>& fn) override {
    WriteScope scope(this);
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (int attempt = 1;; ++attempt) {
      try {
        Run("BEGIN ISOLATION LEVEL SERIALIZABLE", fn);
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
    try {
      Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
    } catch (const pg::RetryTransaction& e) {
      // A read-only snapshot is never a serialization victim; keep the port's error contract.
      throw Error(ErrorCode::kUnavailable, std::string("database busy: ") + e.what());
    }
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
  // Runs `fn` between `begin` and COMMIT on a pooled connection; rolls back and rethrows on
  // any exception. A connection that turns out dead at BEGIN is replaced and BEGIN tried
  // again: nothing has run yet, so nothing can have happened twice.
  void Run(const char* begin, const std::function<void(CatalogTransaction&)>& fn) {
    for (int tries = 0;; ++tries) {
      Pool::Lease conn = pool_.Acquire();
      try {
        conn->Script(begin);
        conn->TakeRetryNeeded();
      } catch (const Error&) {
        // Every pooled connection may have died with a server restart: try each once.
        if (conn->broken() && tries < pool_size_) continue;
        throw;
      }
      try {
        PgTransaction tx(*conn);
        fn(tx);
        if (conn->TakeRetryNeeded()) throw pg::RetryTransaction("a conflict was caught");
        conn->Script("COMMIT");
        return;
      } catch (...) {
        conn->RollbackQuietly();
        // The callback may have caught the conflict and failed otherwise: rerun it all the same.
        if (conn->TakeRetryNeeded()) throw pg::RetryTransaction("the transaction conflicted");
        throw;
      }
    }
  }

  Pool pool_;
  const int pool_size_;
  const std::chrono::milliseconds timeout_;
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
