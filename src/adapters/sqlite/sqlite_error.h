#pragma once
// SQLite result codes become cadenza::Error here and nowhere else.
#include <sqlite3.h>

#include <string_view>

namespace cadenza::sqlite {

// Throws the Error that `rc` stands for, reading the extended code and message from `db` when
// it is not null. `sql` (the failing statement, may be empty) names the table of a foreign-key
// violation, which SQLite's own message does not.
//   UNIQUE / PRIMARY KEY                -> kConflict "a user with this email already exists"
//   FOREIGN KEY                         -> kConflict "an album refers to a missing artist"
//   BUSY, LOCKED, IOERR, FULL, CANTOPEN,
//   CORRUPT, NOTADB, NOMEM, PROTOCOL... -> kUnavailable
//   READONLY (query_only connection)    -> kInternal: a write inside Catalog::Read is a bug
//   TOOBIG                              -> kTooLarge
//   anything else (CHECK, NOT NULL, SQL errors, misuse) -> kInternal
[[noreturn]] void ThrowSqliteError(sqlite3* db, int rc, std::string_view sql = {});

// Same, for codes that come without a connection (sqlite3_open_v2 failing to allocate one).
[[noreturn]] void ThrowSqliteCode(int rc, std::string_view context);

}  // namespace cadenza::sqlite
