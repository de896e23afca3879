// The conformance suite on PostgreSQL: one server per test process (started on first use), and a
// database per test, copied from a template that was migrated once. Databases are not dropped
// (dropping forces a checkpoint, slower than the test): they go with the server at exit.
#include "adapters/postgres/pg_connection.h"
#include "adapters/postgres/pg_seeder.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

class PostgresUnderTest final : public CatalogUnderTest {
 public:
  PostgresUnderTest() : database_(NewMigratedDatabase()) {}
  std::unique_ptr<Catalog> Open(int connections) override {
    return OpenPostgresCatalog(PostgresOptions{
        .url = test_support::SharedPostgresServer().Url(database_), .pool_size = connections});
  }
  std::unique_ptr<CatalogSeeder> OpenSeeder() override {
    return OpenPostgresSeeder(test_support::SharedPostgresServer().Url(database_));
  }
  void Exec(const std::string& sql) override { SideConnection(database_).Script(sql); }
  std::int64_t QueryInt(const std::string& sql) override {
    return SideConnection(database_).Exec(sql).Int(0, 0);
  }
  std::string name() const override { return "postgres"; }

 private:
  std::string database_;
};

}  // namespace

std::unique_ptr<CatalogUnderTest> NewCatalogUnderTest() {
  return std::make_unique<PostgresUnderTest>();
}

}  // namespace cadenza::testing
