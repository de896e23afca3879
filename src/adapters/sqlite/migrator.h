#pragma once
#include <span>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"

namespace cadenza::sqlite {

// Applies the migrations not yet recorded in schema_migrations, in version order, each in its
// own BEGIN IMMEDIATE transaction (so two processes migrating at once apply each one once).
// Returns how many ran; 0 when the schema is current.
// REQUIRES: exclusive use of `writer`, no transaction open on it.
// Throws Error from the database, std::runtime_error when the database records a version this
// binary does not know (it was migrated by a newer release) or `migrations` is out of order.
int ApplyMigrations(Connection& writer, std::span<const Migration> migrations);

}  // namespace cadenza::sqlite
