#include "adapters/postgres/pg_error.h"

#include "domain/error.h"

namespace cadenza::pg {
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

// Constraint names follow PostgreSQL's defaults (<table>_<columns>_key, <table>_pkey) or the
// unique indexes of the schema (users_email_lower): the columns are read back from the name.
std::string UniqueMessage(const ServerError& error) {
  const TableNames* names = FindTable(error.table);
  std::string out(names ? names->one : std::string_view("a record"));
  std::string_view constraint = error.constraint;
  if (names != nullptr && constraint.starts_with(error.table) &&
      constraint.size() > error.table.size() + 1) {
    std::string_view columns = constraint.substr(error.table.size() + 1);
    for (std::string_view suffix : {"_key", "_lower"}) {
      if (columns.ends_with(suffix)) columns.remove_suffix(suffix.size());
    }
    if (columns == "pkey") columns = "id";
    std::string humane(columns);
    for (char& c : humane) {
      if (c == '_') c = ' ';
    }
    out += " with this " + humane;
  }
  return out + " already exists";
}

std::string ForeignKeyMessage(const ServerError& error) {
  const TableNames* names = FindTable(error.table);
  if (names == nullptr || names->missing_parent.empty()) {
    return "a record refers to a missing record";
  }
  return std::string(names->one) + " refers to a missing " + std::string(names->missing_parent);
}

}  // namespace

bool IsConnectionLost(std::string_view sqlstate) {
  return sqlstate.empty() || sqlstate.starts_with("08") || sqlstate == "57P01" ||
         sqlstate == "57P02" || sqlstate == "57P03";
}

void ThrowServerError(const ServerError& error) {
  const std::string& state = error.sqlstate;
  if (state == "23505") throw Error(ErrorCode::kConflict, UniqueMessage(error));
  if (state == "23503") throw Error(ErrorCode::kConflict, ForeignKeyMessage(error));
  if (state == "25006") {
    throw Error(ErrorCode::kInternal,
                "a write was attempted inside a read-only catalog transaction");
  }
  if (state.starts_with("23")) {
    // CHECK / NOT NULL: the services validate first, so reaching here is a bug.
    throw Error(ErrorCode::kInternal, "the catalog rejected a value: " + error.message);
  }
  if (state == "22001" || state == "54000") {
    throw Error(ErrorCode::kTooLarge, "a value is too large to store");
  }
  if (IsConnectionLost(state) || state.starts_with("53") || state.starts_with("57") ||
      state.starts_with("58")) {
    throw Error::Unavailable("the database is unavailable", error.message);
  }
  throw Error(ErrorCode::kInternal, "database error: " + error.message);
}

}  // namespace cadenza::pg
