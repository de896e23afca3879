#pragma once
// CatalogSeeder on PostgreSQL: one connection of its own, rows sent with COPY.
#include <memory>
#include <string>

#include "ports/catalog_seeder.h"

namespace cadenza {

// Connects to `url` (libpq URI or conninfo), a migrated database. Each Insert is one
// transaction of COPY ... FROM STDIN per table (COPY fires the tables' row triggers like
// INSERT does), with statement_timeout off for the session, since one batch may take longer
// than a request would. Finish runs ANALYZE on the loaded tables so the planner sees their
// new sizes at once. Throws Error(kUnavailable) when the server cannot be reached.
std::unique_ptr<CatalogSeeder> OpenPostgresSeeder(const std::string& url);

}  // namespace cadenza
