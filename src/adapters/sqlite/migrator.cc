#include "adapters/sqlite/migrator.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace cadenza::sqlite {
namespace {

std::int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool IsApplied(Connection& writer, int version) {
  auto query = writer.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?1");
  query->BindInt(1, version);
  return query->Step();
}

}  // namespace

int ApplyMigrations(Connection& writer, std::span<const Migration> migrations) {
  int latest = 0;
  for (const Migration& m : migrations) {
    if (m.version <= latest) throw std::logic_error("migrations must have increasing versions");
    latest = m.version;
  }
  writer.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT");
  {
    auto newest = writer.Prepare("SELECT max(version) FROM schema_migrations");
    if (newest->Step() && newest->ColumnInt(0) > latest) {
      throw std::runtime_error(
          "the database schema is at version " + std::to_string(newest->ColumnInt(0)) +
          ", newer than this release knows (" + std::to_string(latest) + "); upgrade Cadenza");
    }
  }
  int ran = 0;
  for (const Migration& m : migrations) {
    writer.Exec("BEGIN IMMEDIATE");
    try {
      // Checked inside the write lock: another process may have applied it meanwhile.
      if (!IsApplied(writer, m.version)) {
        writer.Exec(m.sql);
        auto record =
            writer.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
        record->BindInt(1, m.version).BindInt(2, NowMs());
        record->Run();
        ++ran;
      }
      writer.Exec("COMMIT");
    } catch (...) {
      writer.RollbackQuietly();
      throw;
    }
  }
  return ran;
}

}  // namespace cadenza::sqlite
