#include "adapters/sqlite/connection.h"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <utility>

#include "adapters/sqlite/search_functions.h"
#include "adapters/sqlite/sqlite_error.h"

namespace cadenza::sqlite {

StatementHandle::StatementHandle(StatementHandle&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(std::move(other.owned_)) {}

StatementHandle::~StatementHandle() {
  if (statement_ != nullptr) statement_->Reset();
  if (in_use_ != nullptr) *in_use_ = false;
}

Connection::Connection(const std::filesystem::path& file, const ConnectionOptions& options) {
  sqlite3* raw = nullptr;
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // closed by the destructor of db_ even when opening failed
  if (rc != SQLITE_OK) ThrowSqliteCode(rc, "cannot open database " + file.string());
  if (sqlite3_db_readonly(raw, "main") == 1) {
    throw std::runtime_error("database file " + file.string() + " is not writable");
  }
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  auto ms = std::clamp<std::chrono::milliseconds::rep>(options.busy_timeout.count(), 0, INT_MAX);
  sqlite3_busy_timeout(raw, static_cast<int>(ms));
  RegisterSearchFunctions(raw);  // the search triggers call cadenza_fold()

  if (options.enable_wal) {
    auto mode = Prepare("PRAGMA journal_mode=WAL");
    std::string result = mode->Step() ? mode->ColumnText(0) : std::string();
    if (result != "wal") {
      throw std::runtime_error("database " + file.string() + " cannot use WAL journal mode (got '" +
                               result + "')");
    }
  }
  // synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss, and an
  // acknowledged write must survive it.
  Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
  if (options.query_only) Exec("PRAGMA query_only=ON;");
}

Connection::~Connection() {
  cache_.clear();  // finalize statements before db_ closes the connection
}

void Connection::Exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec wants a terminated string
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqliteError(db_.get(), rc, sql);
}

StatementHandle Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    auto entry = std::make_unique<CacheEntry>(CacheEntry{Statement(db_.get(), sql, true)});
    it = cache_.emplace(std::string(sql), std::move(entry)).first;
  }
  CacheEntry& entry = *it->second;
  if (entry.in_use) {
    // The same SQL is already stepping (e.g. a loop calling a method that reuses it).
    return StatementHandle(std::make_unique<Statement>(db_.get(), sql));
  }
  entry.in_use = true;
  return StatementHandle(&entry.statement, &entry.in_use);
}

void Connection::RollbackQuietly() noexcept {
  if (db_ && InTransaction()) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace cadenza::sqlite
