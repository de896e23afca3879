#pragma once
// One SQLite connection configured for the catalog, with a cache of prepared statements.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/sqlite/statement.h"

namespace cadenza::sqlite {

struct ConnectionOptions {
  std::chrono::milliseconds busy_timeout{5000};
  bool query_only = false;  // reader connections: any write fails with SQLITE_READONLY
  bool enable_wal = false;  // switch the file to WAL (persistent; the first connection does it)
};

class Connection;

// A cached statement lent out by Connection::Prepare. Resets the statement and clears its
// bindings when it goes out of scope, so the next borrower starts clean and no read cursor
// stays open. Non-copyable, movable.
class StatementHandle {
 public:
  StatementHandle(StatementHandle&& other) noexcept;
  StatementHandle& operator=(StatementHandle&&) = delete;
  StatementHandle(const StatementHandle&) = delete;
  StatementHandle& operator=(const StatementHandle&) = delete;
  ~StatementHandle();

  Statement* operator->() { return statement_; }
  Statement& operator*() { return *statement_; }

 private:
  friend class Connection;
  StatementHandle(Statement* cached, bool* in_use) : statement_(cached), in_use_(in_use) {}
  explicit StatementHandle(std::unique_ptr<Statement> owned)
      : statement_(owned.get()), owned_(std::move(owned)) {}

  Statement* statement_;
  bool* in_use_ = nullptr;            // the cache slot's flag, when borrowed from the cache
  std::unique_ptr<Statement> owned_;  // a one-off statement when the cached one was busy
};

// Not thread-safe: one thread at a time (the catalog hands connections out exclusively).
// Non-copyable, movable. Statements borrowed from it must not outlive it.
class Connection {
 public:
  // Opens or creates `file` with foreign_keys=ON, synchronous=FULL, temp_store=MEMORY, the busy
  // timeout, extended result codes, and double-quoted string literals disabled.
  // Throws Error(kUnavailable) when the file cannot be opened; std::runtime_error when it is
  // read-only or WAL was requested and refused.
  Connection(const std::filesystem::path& file, const ConnectionOptions& options);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more parameterless statements (DDL, PRAGMA, BEGIN/COMMIT). Throws Error.
  void Exec(std::string_view sql);

  // Lends the prepared statement for `sql`, preparing and caching it on first use. Throws Error.
  StatementHandle Prepare(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE itself (not by triggers or cascades).
  std::int64_t Changes() const { return sqlite3_changes64(db_.get()); }

  bool InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

  // ROLLBACK if a transaction is open; never throws (used while an exception is in flight).
  void RollbackQuietly() noexcept;

 private:
  struct CacheEntry {
    Statement statement;
    bool in_use = false;
  };
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  // Declared first so that it is destroyed last, after every cached statement is finalized.
  std::unique_ptr<sqlite3, Closer> db_;
  std::unordered_map<std::string, std::unique_ptr<CacheEntry>> cache_;
};

}  // namespace cadenza::sqlite
