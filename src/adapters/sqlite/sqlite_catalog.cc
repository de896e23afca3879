#include "adapters/sqlite/sqlite_catalog.h"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "adapters/sqlite/migrator.h"
#include "adapters/sqlite/repositories.h"
#include "adapters/sqlite/search_repository.h"
#include "base/mutex.h"

namespace cadenza {
namespace {

using sqlite::Connection;
using sqlite::ConnectionOptions;

class SqliteTransaction final : public CatalogTransaction {
 public:
  explicit SqliteTransaction(Connection& conn)
      : users_(conn),
        artists_(conn),
        albums_(conn),
        tracks_(conn),
        playlists_(conn),
        uploads_(conn),
        blob_deletions_(conn),
        jobs_(conn),
        renditions_(conn),
        search_(conn),
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
  sqlite::SqliteUserRepository users_;
  sqlite::SqliteArtistRepository artists_;
  sqlite::SqliteAlbumRepository albums_;
  sqlite::SqliteTrackRepository tracks_;
  sqlite::SqlitePlaylistRepository playlists_;
  sqlite::SqliteUploadRepository uploads_;
  sqlite::SqliteBlobDeletionQueue blob_deletions_;
  sqlite::SqliteJobQueue jobs_;
  sqlite::SqliteRenditionRepository renditions_;
  sqlite::SqliteSearchRepository search_;
  sqlite::SqliteEventOutbox events_;
  sqlite::SqliteListeningRepository listening_;
};

// Runs `fn` between `begin` and COMMIT; rolls back and rethrows whatever it throws.
void RunTransaction(Connection& conn, const char* begin,
                    const std::function<void(CatalogTransaction&)>& fn) {
  conn.RollbackQuietly();  // a connection left mid-transaction by a failed COMMIT starts clean
  conn.Exec(begin);
  try {
    SqliteTransaction tx(conn);
    fn(tx);
    conn.Exec("COMMIT");
  } catch (...) {
    conn.RollbackQuietly();
    throw;
  }
}

class SqliteCatalog final : public Catalog {
 public:
  SqliteCatalog(const std::filesystem::path& file, const SqliteOptions& options) {
    if (options.read_connections < 1) {
      throw std::invalid_argument("SqliteOptions::read_connections must be at least 1");
    }
    // The writer opens first and switches the file to WAL, which readers then share.
    writer_ = std::make_unique<Connection>(
        file, ConnectionOptions{.busy_timeout = options.busy_timeout, .enable_wal = true});
    for (int i = 0; i < options.read_connections; ++i) {
      idle_readers_.push_back(std::make_unique<Connection>(
          file, ConnectionOptions{.busy_timeout = options.busy_timeout, .query_only = true}));
    }
  }

  void Write(const std::function<void(CatalogTransaction&)>& fn) override {
    WriterLock lock(*this);
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads first and
    // writes later could fail with SQLITE_BUSY without the busy handler being able to help.
    RunTransaction(*writer_, "BEGIN IMMEDIATE", fn);
  }

  void Read(const std::function<void(CatalogTransaction&)>& fn) override {
    ReaderLease reader(*this);
    RunTransaction(reader.connection(), "BEGIN", fn);
  }

  int Migrate() override {
    WriterLock lock(*this);
    return sqlite::ApplyMigrations(*writer_, sqlite::AllMigrations());
  }

  bool Healthy() override {
    try {
      ReaderLease reader(*this);
      auto probe = reader.connection().Prepare("SELECT 1");
      return probe->Step() && probe->ColumnInt(0) == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  // Holds the writer mutex; refuses reentry from the thread that already holds it, which
  // would otherwise deadlock silently.
  class SCOPED_CAPABILITY WriterLock {
   public:
    explicit WriterLock(SqliteCatalog& catalog) ACQUIRE(catalog.writer_mutex_)
        : catalog_(RefuseReentry(catalog)) {
      catalog_.writer_mutex_.Lock();
      catalog_.writer_thread_.store(std::this_thread::get_id());
    }
    ~WriterLock() RELEASE() {
      catalog_.writer_thread_.store(std::thread::id());
      catalog_.writer_mutex_.Unlock();
    }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

   private:
    static SqliteCatalog& RefuseReentry(SqliteCatalog& catalog) {
      if (catalog.writer_thread_.load() == std::this_thread::get_id()) {
        throw std::logic_error("Catalog::Write and Migrate cannot be nested in a Write");
      }
      return catalog;
    }

    SqliteCatalog& catalog_;
  };

  // Borrows an idle reader connection for its lifetime, waiting while all are in use.
  class ReaderLease {
   public:
    explicit ReaderLease(SqliteCatalog& catalog)
        : catalog_(catalog), connection_(catalog.TakeReader()) {}
    ~ReaderLease() { catalog_.ReturnReader(std::move(connection_)); }
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;

    Connection& connection() { return *connection_; }

   private:
    SqliteCatalog& catalog_;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> TakeReader() EXCLUDES(readers_mutex_) {
    MutexLock lock(readers_mutex_);
    while (idle_readers_.empty()) reader_idle_.Wait(lock);
    std::unique_ptr<Connection> reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return reader;
  }

  void ReturnReader(std::unique_ptr<Connection> reader) EXCLUDES(readers_mutex_) {
    {
      MutexLock lock(readers_mutex_);
      idle_readers_.push_back(std::move(reader));
    }
    reader_idle_.NotifyOne();
  }

  Mutex writer_mutex_;
  std::atomic<std::thread::id> writer_thread_{};
  std::unique_ptr<Connection> writer_ GUARDED_BY(writer_mutex_);

  Mutex readers_mutex_;
  CondVar reader_idle_;
  std::vector<std::unique_ptr<Connection>> idle_readers_ GUARDED_BY(readers_mutex_);
};

}  // namespace

std::unique_ptr<Catalog> OpenSqliteCatalog(const std::filesystem::path& database_file,
                                           SqliteOptions options) {
  return std::make_unique<SqliteCatalog>(database_file, options);
}

}  // namespace cadenza
