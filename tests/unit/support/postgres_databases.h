#pragma once
// Databases on the test process's PostgreSQL server (unit/support/postgres_server.h).
#include <string>

#include "adapters/postgres/pg_connection.h"

namespace cadenza::testing {

// A connection to `database` on the shared server, beside any catalog.
pg::Connection SideConnection(const std::string& database);
// A new database with the catalog schema, copied from a template migrated on first use.
std::string NewMigratedDatabase();
// A new database without any schema.
std::string NewEmptyDatabase();

}  // namespace cadenza::testing
