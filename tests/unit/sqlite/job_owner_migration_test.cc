// Jobs queued before schema version 6 take their track's owner when the file is upgraded.
#include <gtest/gtest.h>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "adapters/sqlite/migrator.h"
#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

constexpr char kKind[] = "transcode";

using JobOwnerMigrationTest = CatalogTest;

TEST_F(JobOwnerMigrationTest, MigratedJobsTakeTheirTracksOwner) {
  auto file = dir_ / "before-owners.db";
  {
    sqlite::Connection conn(file, {});
    std::size_t before = 0;
    for (const auto& m : sqlite::AllMigrations()) before += m.version < 6 ? 1 : 0;
    ASSERT_GT(sqlite::ApplyMigrations(conn, sqlite::AllMigrations().first(before)), 0);
    conn.Exec(
        "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, created_at, "
        "updated_at) VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
        "INSERT INTO artists VALUES ('ar1', 'u1', 'Artist', NULL, 1, 1);"
        "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
        "VALUES ('al1', 'ar1', 'Album', 1, 1);"
        "INSERT INTO tracks (id, album_id, title, blob_key, blob_size, created_at, updated_at) "
        "VALUES ('t1', 'al1', 'Old', 'originals/t1', 99, 5, 6);"
        "INSERT INTO jobs (id, kind, subject_id, attempts, max_attempts, run_after, lease_owner, "
        "lease_expires_at, last_error, created_at) "
        "VALUES ('j1', 'transcode', 't1', 0, 5, 0, NULL, 0, NULL, 1);");
  }
  auto catalog = OpenSqliteCatalog(file);
  EXPECT_GE(catalog->Migrate(), 1);
  catalog->Read([](CatalogTransaction& tx) {
    EXPECT_EQ(tx.jobs().FindBySubject(kKind, "t1")->owner_id, "u1");
    EXPECT_EQ(tx.jobs().CountActive("u1"), 1);
  });
}

}  // namespace
}  // namespace cadenza::testing
