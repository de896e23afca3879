#include "adapters/postgres/pg_connection.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <utility>

#include "adapters/postgres/pg_error.h"
#include "domain/error.h"

namespace cadenza::pg {
namespace {

std::string Field(const PGresult* result, int code) {
  const char* value = result ? PQresultErrorField(result, code) : nullptr;
  return value ? value : "";
}

// Replaces every occurrence of `secret` in `text` (libpq may echo parts of the URL).
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
  return text;
}

std::string TrimNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The password the URL carries, so that no message repeats it; throws when libpq cannot parse
// the URL at all (its parse error may quote the text, so it is not passed on).
std::string PasswordOf(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    throw Error(ErrorCode::kUnavailable, "database unavailable: the database URL is not valid");
  }
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

}  // namespace

std::string ServerName(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "unparsable URL";
  }
  std::string host = "localhost";
  std::string port = "5432";
  std::string database;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0') continue;
    std::string_view key(o->keyword);
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") database = o->val;
  }
  PQconninfoFree(options);
  return host + ":" + port + "/" + database;
}

Params& Params::Double(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  values_.emplace_back(buffer);
  return *this;
}

std::string Result::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> Result::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::int64_t Result::Int(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  std::int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row, column), value);
  return value;
}

std::optional<std::int64_t> Result::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

double Result::Double(int row, int column) const {
  return IsNull(row, column) ? 0 : std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

bool Result::Bool(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  return text[0] == 't';
}

std::int64_t Result::Affected() const {
  const char* text = PQcmdTuples(result_.get());
  return text[0] == '\0' ? 0 : std::strtoll(text, nullptr, 10);
}

Connection::Connection(const std::string& url, std::chrono::milliseconds timeout) {
  std::string password = PasswordOf(url);
  // libpq counts connect_timeout in whole seconds (at least 2 are honoured).
  auto seconds = std::max<std::int64_t>(2, (timeout.count() + 999) / 1000);
  std::string connect_timeout = std::to_string(seconds);
  const char* keys[] = {"dbname", "connect_timeout", "client_encoding", nullptr};
  const char* values[] = {url.c_str(), connect_timeout.c_str(), "UTF8", nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = conn_ ? TrimNewline(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error::Unavailable("the database is unavailable", Redact(reason, password));
  }
  // Server notices ("relation already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  try {
    // Every statement is bounded, so a stuck lock or a lost server cannot hold a thread forever.
    Script("SET statement_timeout = " + std::to_string(timeout.count()));
  } catch (...) {
    PQfinish(conn_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

Connection::~Connection() { PQfinish(conn_); }

const std::string& Connection::PreparedName(std::string_view sql) {
  auto it = prepared_.find(std::string(sql));
  if (it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(prepared_.size());
  std::string text(sql);
  PGresult* result = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) Fail(result);
  PQclear(result);
  return prepared_.emplace(std::move(text), std::move(name)).first->second;
}

Result Connection::Exec(std::string_view sql, const Params& params) {
  const std::string& name = PreparedName(sql);
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& value : params.values()) values.push_back(value ? value->c_str() : nullptr);
  PGresult* result = PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                    values.data(), nullptr, nullptr, 0);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(result);
  return Result(result);
}

Result Connection::ExecGuarded(std::string_view sql, const Params& params) {
  Script("SAVEPOINT cadenza_statement");
  try {
    Result result = Exec(sql, params);
    Script("RELEASE SAVEPOINT cadenza_statement");
    return result;
  } catch (const Error&) {
    if (!broken()) Script("ROLLBACK TO SAVEPOINT cadenza_statement");
    throw;
  }
}

void Connection::Script(std::string_view sql) {
  std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(result);
  PQclear(result);
}

void Connection::CopyIn(std::string_view copy_sql, std::string_view rows) {
  std::string text(copy_sql);
  PGresult* started = PQexec(conn_, text.c_str());
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) Fail(started);
  PQclear(started);
  // PQputCopyData takes an int length: large data goes in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 24;
  bool sent = true;
  for (std::size_t at = 0; sent && at < rows.size(); at += kPiece) {
    std::size_t size = std::min(kPiece, rows.size() - at);
    sent = PQputCopyData(conn_, rows.data() + at, static_cast<int>(size)) == 1;
  }
  if (!sent || PQputCopyEnd(conn_, nullptr) != 1) {
    broken_ = true;
    Fail(nullptr);
  }
  PGresult* ended = PQgetResult(conn_);
  // The command's result is followed by a null result; read it so the connection is idle.
  for (PGresult* extra = PQgetResult(conn_); extra != nullptr; extra = PQgetResult(conn_)) {
    PQclear(extra);
  }
  if (ended == nullptr || PQresultStatus(ended) != PGRES_COMMAND_OK) Fail(ended);
  PQclear(ended);
}

void Connection::RollbackQuietly() noexcept {
  if (conn_ == nullptr || broken() || !InTransaction()) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

void Connection::Fail(PGresult* result) {
  ServerError error{Field(result, PG_DIAG_SQLSTATE), Field(result, PG_DIAG_MESSAGE_PRIMARY),
                    Field(result, PG_DIAG_TABLE_NAME), Field(result, PG_DIAG_CONSTRAINT_NAME)};
  if (error.message.empty()) error.message = TrimNewline(PQerrorMessage(conn_));
  PQclear(result);
  if (IsConnectionLost(error.sqlstate) || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  if (error.sqlstate == "40001" || error.sqlstate == "40P01") {
    retry_needed_ = true;
    throw RetryTransaction("the transaction must be retried: " + error.message);
  }
  ThrowServerError(error);
}

}  // namespace cadenza::pg
