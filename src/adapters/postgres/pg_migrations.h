#pragma once
// The catalog schema on PostgreSQL as versioned migrations, and the migrator.
#include <span>
#include <string_view>

#include "adapters/postgres/pg_connection.h"

namespace cadenza::pg {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one or more statements, run in one transaction
};

// In version order. Version 6 is SQLite's schema versions 1..6 in one step, so version numbers
// mean the same schema on both adapters; later versions append.
std::span<const Migration> AllMigrations();

// Applies the migrations `conn`'s database lacks, in one READ COMMITTED transaction holding
// pg_advisory_xact_lock(kMigrationLock): instances starting at once wait for each other, and
// each migration runs exactly once. Returns how many ran. Throws std::runtime_error when the
// database is at a version newer than `migrations` knows, Error for database failures.
int ApplyMigrations(Connection& conn, std::span<const Migration> migrations);

}  // namespace cadenza::pg
