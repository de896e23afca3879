#pragma once
// CatalogSeeder on SQLite: one connection of its own to the catalogue's file.
#include <filesystem>
#include <memory>

#include "ports/catalog_seeder.h"

namespace cadenza {

// Opens `database_file`, which must be migrated. Each Insert is one BEGIN IMMEDIATE
// transaction of prepared INSERTs (so triggers run as for any insert). For the load the
// connection runs with synchronous=NORMAL, which in WAL mode can lose the last commits on a
// power cut but never corrupts the file, and a 128 MiB page cache; Finish puts both back and
// truncates the write-ahead log. Planner statistics are not added: the catalogue runs
// without sqlite_stat1 and its plans should not change because of a seed.
// Throws Error(kUnavailable) when the file cannot be opened.
std::unique_ptr<CatalogSeeder> OpenSqliteSeeder(const std::filesystem::path& database_file);

}  // namespace cadenza
