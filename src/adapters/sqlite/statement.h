#pragma once
// An owned prepared statement with typed binding and column access.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cadenza::sqlite {

// Not thread-safe: used by the one thread that holds its connection. Non-copyable, movable.
// Parameters are 1-based (write them as ?1, ?2 ... in the SQL); columns are 0-based.
// Every failure throws cadenza::Error via ThrowSqliteError.
class Statement {
 public:
  // Prepares the single statement in `sql` on `db`. `persistent` hints SQLite that the
  // statement will be reused many times (the connection's cache).
  Statement(sqlite3* db, std::string_view sql, bool persistent = false);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Text is copied (SQLITE_TRANSIENT) byte for byte: no encoding conversion happens.
  Statement& BindText(int index, std::string_view value);
  Statement& BindText(int index, const std::string& value) {
    return BindText(index, std::string_view(value));
  }
  Statement& BindText(int index, const char* value) {
    return BindText(index, std::string_view(value));
  }
  Statement& BindText(int index, const std::optional<std::string>& value);  // nullopt -> NULL
  Statement& BindInt(int index, std::int64_t value);
  template <class T>
  Statement& BindInt(int index, const std::optional<T>& value) {
    return value ? BindInt(index, static_cast<std::int64_t>(*value)) : BindNull(index);
  }
  Statement& BindBool(int index, bool value) { return BindInt(index, value ? 1 : 0); }
  // NaN binds as NULL (SQLite's rule), which NOT NULL columns then refuse.
  Statement& BindDouble(int index, double value);
  Statement& BindDouble(int index, const std::optional<double>& value) {
    return value ? BindDouble(index, *value) : BindNull(index);
  }
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when the statement is done.
  bool Step();
  // Steps to completion, ignoring any rows (for INSERT/UPDATE/DELETE).
  void Run();

  std::string ColumnText(int column) const;  // NULL reads as ""
  std::optional<std::string> ColumnOptionalText(int column) const;
  std::int64_t ColumnInt(int column) const;  // NULL reads as 0
  std::optional<std::int64_t> ColumnOptionalInt(int column) const;
  double ColumnDouble(int column) const;  // NULL reads as 0
  std::optional<double> ColumnOptionalDouble(int column) const;
  bool ColumnBool(int column) const { return ColumnInt(column) != 0; }
  bool ColumnIsNull(int column) const;

  // Makes the statement ready to run again with no parameters bound. Never throws.
  void Reset() noexcept;

 private:
  void CheckBind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace cadenza::sqlite
