#include "adapters/sqlite/sqlite_error.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

struct TableNames {
  std::string_view table;
  std::string_view one;             // "a user" with this email already exists
  std::string_view missing_parent;  // "an album refers to a missing artist"
};

constexpr TableNames kTables[] = {
    {"users", "a user", ""},
    {"artists", "an artist", "owner account"},
    {"albums", "an album", "artist"},
    {"tracks", "a track", "album"},
    {"playlists", "a playlist", "owner account"},
    {"playlist_entries", "a playlist entry", "playlist or track"},
    {"uploads", "an upload", "account or track"},
    {"blob_deletions", "a queued blob deletion", ""},
    {"jobs", "a job", ""},
    {"renditions", "a rendition", "track"},
    {"rendition_segments", "a rendition segment", "rendition"},
    {"schema_migrations", "a schema migration", ""},
};

const TableNames* FindTable(std::string_view table) {
  for (const auto& t : kTables) {
    if (t.table == table) return &t;
  }
  return nullptr;
}

std::string Humanize(std::string_view column) {
  std::string out(column);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

// "UNIQUE constraint failed: users.email" -> "a user with this email already exists".
std::string UniqueMessage(std::string_view sqlite_message) {
  constexpr std::string_view kMarker = "constraint failed: ";
  auto at = sqlite_message.find(kMarker);
  if (at == std::string_view::npos) return "this record already exists";
  std::string_view rest = sqlite_message.substr(at + kMarker.size());
  std::string table;
  std::vector<std::string> columns;
  while (!rest.empty()) {
    auto comma = rest.find(", ");
    std::string_view item = rest.substr(0, comma);
    auto dot = item.find('.');
    if (dot != std::string_view::npos) {
      table = std::string(item.substr(0, dot));
      columns.push_back(Humanize(item.substr(dot + 1)));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 2);
  }
  const TableNames* names = FindTable(table);
  std::string out(names ? names->one : std::string_view("a record"));
  if (!columns.empty()) {
    out += " with this ";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += " and ";
      out += columns[i];
    }
  }
  return out + " already exists";
}

std::string UpperWord(std::string_view& sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front())))
    sql.remove_prefix(1);
  std::string word;
  while (!sql.empty() &&
         (std::isalnum(static_cast<unsigned char>(sql.front())) || sql.front() == '_')) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql.front()))));
    sql.remove_prefix(1);
  }
  return word;
}

// The table an INSERT/UPDATE/DELETE writes to; empty for anything else.
std::string WrittenTable(std::string_view sql) {
  std::string verb = UpperWord(sql);
  std::string word = UpperWord(sql);
  if (word == "OR") {  // INSERT OR IGNORE / UPDATE OR ...
    UpperWord(sql);
    word = UpperWord(sql);
  }
  if ((verb == "INSERT" || verb == "REPLACE") && word == "INTO") word = UpperWord(sql);
  if (verb == "DELETE" && word == "FROM") word = UpperWord(sql);
  if (verb != "INSERT" && verb != "REPLACE" && verb != "UPDATE" && verb != "DELETE") return {};
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

std::string ForeignKeyMessage(std::string_view sql) {
  const TableNames* names = FindTable(WrittenTable(sql));
  if (names == nullptr || names->missing_parent.empty()) {
    return "a record refers to a missing record";
  }
  return std::string(names->one) + " refers to a missing " + std::string(names->missing_parent);
}

[[noreturn]] void Throw(int extended, std::string_view message, std::string_view sql) {
  int primary = extended & 0xff;
  switch (primary) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        throw Error(ErrorCode::kConflict, UniqueMessage(message));
      }
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) {
        throw Error(ErrorCode::kConflict, ForeignKeyMessage(sql));
      }
      // CHECK / NOT NULL / type: the services validate first, so reaching here is a bug.
      throw Error(ErrorCode::kInternal, "the catalog rejected a value: " + std::string(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(ErrorCode::kUnavailable,
                  "the database is busy; try again shortly (" + std::string(message) + ")");
    case SQLITE_READONLY:
      if (extended == SQLITE_READONLY) {  // PRAGMA query_only: only reader connections set it
        throw Error(ErrorCode::kInternal,
                    "a write was attempted inside a read-only catalog transaction");
      }
      [[fallthrough]];
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw Error::Unavailable("the database is unavailable", std::string(message));
    case SQLITE_TOOBIG:
      throw Error(ErrorCode::kTooLarge, "a value is too large to store");
    default:
      throw Error(ErrorCode::kInternal, "database error: " + std::string(message));
  }
}

}  // namespace

void ThrowSqliteError(sqlite3* db, int rc, std::string_view sql) {
  if (db == nullptr) Throw(rc, sqlite3_errstr(rc), sql);
  int extended = sqlite3_extended_errcode(db);
  // The connection's last error may belong to another call when `rc` came from elsewhere
  // (sqlite3_reset after a failed step reports the same code, so compare primary codes).
  if ((extended & 0xff) != (rc & 0xff)) extended = rc;
  Throw(extended, sqlite3_errmsg(db), sql);
}

void ThrowSqliteCode(int rc, std::string_view context) {
  Throw(rc, std::string(context) + ": " + sqlite3_errstr(rc), {});
}

}  // namespace cadenza::sqlite
