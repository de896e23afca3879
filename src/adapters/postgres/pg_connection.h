#pragma once
// One libpq connection with a cache of prepared statements, text parameters and results.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cadenza::pg {

// Thrown when the server aborted the transaction for a serialization failure (40001) or a
// deadlock (40P01): the catalog rolls back and runs the whole callback again. Deliberately not a
// cadenza::Error, so that a callback catching Error does not swallow it.
class RetryTransaction : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parameters in the text format, NULL as std::nullopt; $1 is the first one added.
class Params {
 public:
  Params& Text(std::string_view value) {
    values_.emplace_back(std::string(value));
    return *this;
  }
  Params& Text(const std::string& value) { return Text(std::string_view(value)); }
  Params& Text(const char* value) { return Text(std::string_view(value)); }
  Params& Text(const std::optional<std::string>& value) {
    values_.push_back(value);
    return *this;
  }
  Params& Int(std::int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  template <class T>
  Params& Int(const std::optional<T>& value) {
    return value ? Int(static_cast<std::int64_t>(*value)) : Null();
  }
  Params& Double(double value);  // round-trips exactly (17 significant digits)
  Params& Bool(bool value) {
    values_.emplace_back(value ? "true" : "false");
    return *this;
  }
  Params& Null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// An owned PGresult of a successful command. Rows and columns are 0-based.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  int Rows() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) == 1; }
  std::string Text(int row, int column) const;  // NULL reads as ""
  std::optional<std::string> OptionalText(int row, int column) const;
  std::int64_t Int(int row, int column) const;  // NULL reads as 0
  std::optional<std::int64_t> OptionalInt(int row, int column) const;
  double Double(int row, int column) const;  // NULL reads as 0
  bool Bool(int row, int column) const;      // 't' or 'true'
  // Rows an INSERT/UPDATE/DELETE changed itself (not triggers or cascades).
  std::int64_t Affected() const;

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

// "host:port/database" of a libpq URL or conninfo, without user or password (for logs and
// /readyz); "unparsable URL" when libpq cannot parse it.
std::string ServerName(const std::string& url);

// Not thread-safe: one thread at a time (the pool lends connections exclusively).
class Connection {
 public:
  // Connects with libpq (`url`: URI or conninfo), waiting at most `timeout` for the server,
  // and sets statement_timeout to `timeout`. Throws Error(kUnavailable) with libpq's reason,
  // the password taken out of it.
  Connection(const std::string& url, std::chrono::milliseconds timeout);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one parameterised statement, prepared once per connection and kept by its text.
  // Errors: see pg_error.h; a lost connection marks this one broken.
  Result Exec(std::string_view sql, const Params& params = {});
  // Exec inside a savepoint: a failing statement leaves the transaction usable, as a failing
  // SQLite statement does, so that a caller may catch the Error and go on.
  Result ExecGuarded(std::string_view sql, const Params& params = {});
  // Runs parameterless SQL, several statements allowed (DDL, BEGIN, COMMIT).
  void Script(std::string_view sql);
  // Runs `copy_sql` (COPY ... FROM STDIN) and sends `rows`, data in the COPY format that
  // statement names, in one go. Errors as Exec's; the rows are rejected as a whole.
  void CopyIn(std::string_view copy_sql, std::string_view rows);
  // ROLLBACK when a transaction is open; never throws.
  void RollbackQuietly() noexcept;

  // True once the connection was found lost: it must be closed, never pooled again.
  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }
  // True while a transaction is open (or aborted and not yet rolled back).
  bool InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  // True once since the last call when a statement failed with 40001 or 40P01, even if the
  // caller caught the RetryTransaction: the transaction must then be rolled back and rerun.
  bool TakeRetryNeeded() { return std::exchange(retry_needed_, false); }
  // The server process id (for pg_terminate_backend in tests and logs).
  int BackendPid() const { return PQbackendPID(conn_); }

 private:
  const std::string& PreparedName(std::string_view sql);
  [[noreturn]] void Fail(PGresult* result);

  PGconn* conn_ = nullptr;
  bool broken_ = false;
  bool retry_needed_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace cadenza::pg
