#include "adapters/sqlite/statement.h"

#include <stdexcept>
#include <utility>

#include "adapters/sqlite/sqlite_error.h"

namespace cadenza::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql, bool persistent) {
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, &tail);
  if (rc != SQLITE_OK) ThrowSqliteError(db, rc, sql);
  if (stmt_ == nullptr) throw std::logic_error("empty SQL statement");
  std::string_view rest(tail, sql.data() + sql.size() - tail);
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw std::logic_error("Statement takes one SQL statement, got more: " + std::string(sql));
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::CheckBind(int rc) {
  if (rc != SQLITE_OK) ThrowSqliteError(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

Statement& Statement::BindText(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty view must stay an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  CheckBind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindText(int index, const std::optional<std::string>& value) {
  return value ? BindText(index, std::string_view(*value)) : BindNull(index);
}

Statement& Statement::BindInt(int index, std::int64_t value) {
  CheckBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  CheckBind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::BindNull(int index) {
  CheckBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  ThrowSqliteError(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

void Statement::Run() {
  while (Step()) {
  }
}

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  int bytes = sqlite3_column_bytes(stmt_, column);  // after column_text, as SQLite requires
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

std::optional<std::string> Statement::ColumnOptionalText(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnText(column);
}

std::int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::ColumnOptionalInt(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt(column);
}

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::optional<double> Statement::ColumnOptionalDouble(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnDouble(column);
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void Statement::Reset() noexcept {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace cadenza::sqlite
