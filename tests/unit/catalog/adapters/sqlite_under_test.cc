// The conformance suite on SQLite: a database file in a temporary folder of the test's own.
#include <chrono>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "adapters/sqlite/sqlite_seeder.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/temp_dir.h"

namespace cadenza::testing {
namespace {

class SqliteUnderTest final : public CatalogUnderTest {
 public:
  std::unique_ptr<Catalog> Open(int connections) override {
    // Catalogs on one file stand for processes: SQLite's file lock serialises their writers,
    // so the busy timeout is long enough for the concurrent tests.
    return OpenSqliteCatalog(file_, SqliteOptions{.read_connections = connections,
                                                  .busy_timeout = std::chrono::seconds(30)});
  }
  std::unique_ptr<CatalogSeeder> OpenSeeder() override { return OpenSqliteSeeder(file_); }
  void Exec(const std::string& sql) override {
    sqlite::Connection side(file_, {});
    side.Exec(sql);
  }
  std::int64_t QueryInt(const std::string& sql) override {
    sqlite::Connection side(file_, {});
    auto query = side.Prepare(sql);
    return query->Step() ? query->ColumnInt(0) : -1;
  }
  std::string name() const override { return "sqlite"; }

 private:
  test_support::TempDir dir_;
  const std::filesystem::path file_ = dir_.path() / "catalog.db";
};

}  // namespace

std::unique_ptr<CatalogUnderTest> NewCatalogUnderTest() {
  return std::make_unique<SqliteUnderTest>();
}

}  // namespace cadenza::testing
