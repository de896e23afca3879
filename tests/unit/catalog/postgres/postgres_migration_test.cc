// What only PostgreSQL's schema has to prove: migrations on an empty database, refusing a newer
// schema, and the constraints the services rely on.
#include <gtest/gtest.h>

#include <stdexcept>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

std::unique_ptr<Catalog> OpenOn(const std::string& database) {
  return OpenPostgresCatalog(
      PostgresOptions{.url = test_support::SharedPostgresServer().Url(database), .pool_size = 2});
}

TEST(PostgresMigrationTest, OpeningDoesNotMigrateAndMigrateIsIdempotent) {
  std::string database = NewEmptyDatabase();
  auto catalog = OpenOn(database);
  // No schema yet: queries fail until Migrate runs.
  EXPECT_EQ(ThrownCode([&] {
              catalog->Read([](CatalogTransaction& tx) { tx.users().FindById("u1"); });
            }),
            ErrorCode::kInternal);
  auto total = static_cast<int>(pg::AllMigrations().size());
  EXPECT_EQ(catalog->Migrate(), total);
  EXPECT_EQ(catalog->Migrate(), 0);
  EXPECT_EQ(OpenOn(database)->Migrate(), 0);
  EXPECT_EQ(SideConnection(database)
                .Exec("SELECT count(*) FROM schema_migrations WHERE applied_at > 0")
                .Int(0, 0),
            total);
}

TEST(PostgresMigrationTest, ADatabaseFromANewerReleaseIsRefused) {
  std::string database = NewMigratedDatabase();
  SideConnection(database).Script(
      "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 1)");
  EXPECT_THROW(OpenOn(database)->Migrate(), std::runtime_error);
}

using PostgresSchemaTest = CatalogTest;

TEST_F(PostgresSchemaTest, SchemaRefusesInconsistentValues) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "al1")); });
  for (const char* sql : {"UPDATE tracks SET status = 'done'", "UPDATE tracks SET progress = 1.5",
                          "UPDATE tracks SET integrated_lufs = -9",
                          "UPDATE users SET role = 'root'",
                          "UPDATE albums SET cover_key = 'covers/no-slash'"}) {
    EXPECT_THROW(under_test_->Exec(sql), Error) << sql;
  }
  under_test_->Exec("UPDATE tracks SET integrated_lufs = -9, true_peak_db = -1, gain_db = -5");
  EXPECT_THROW(under_test_->Exec("UPDATE tracks SET gain_db = NULL"), Error);
}

// The columns are COLLATE "C", so keyset pagination holds under any database locale.
TEST_F(PostgresSchemaTest, IdsOrderByteForByte) {
  Write([](CatalogTransaction& tx) {
    int n = 0;
    for (const char* id : {"b", "B", "a-1", "a1", "_x", "~"}) {
      tx.users().Insert(MakeUser(id, "user" + std::to_string(n++) + "@example.com"));
    }
  });
  auto page = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.users().List(PageRequest{.limit = 10}); });
  Strings ids;
  for (const auto& user : page.items) ids.push_back(user.id);
  EXPECT_EQ(ids, (Strings{"B", "_x", "a-1", "a1", "b", "~"}));
}

}  // namespace
}  // namespace cadenza::testing
