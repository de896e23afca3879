// Rows stored before schema version 8 are found by search once the database is upgraded.
#include <gtest/gtest.h>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

std::vector<std::string> Ids(Catalog& catalog, const std::string& text, SearchKind kind) {
  std::vector<std::string> ids;
  catalog.Read([&](CatalogTransaction& tx) {
    for (const SearchHit& hit : tx.search().Search({text, kind})) ids.push_back(hit.id);
  });
  return ids;
}

TEST(PostgresSearchMigrationTest, IndexesTheRowsThatWereThereBefore) {
  std::string database = NewEmptyDatabase();
  std::size_t before = 0;
  for (const auto& m : pg::AllMigrations()) before += m.version < 8 ? 1 : 0;
  {
    pg::Connection conn = SideConnection(database);
    ASSERT_GT(pg::ApplyMigrations(conn, pg::AllMigrations().first(before)), 0);
    conn.Script(
        "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, created_at, "
        "updated_at) VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
        "INSERT INTO artists VALUES ('ar1', 'u1', 'Sigur Rós', NULL, 1, 1);"
        "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
        "VALUES ('al1', 'ar1', 'Ágætis byrjun', 1, 1);"
        "INSERT INTO tracks (id, album_id, title, blob_key, blob_size, created_at, updated_at, "
        "status) VALUES ('t1', 'al1', 'Svefn-g-englar', 'originals/t1', 99, 5, 6, 'ready'),"
        "('t2', 'al1', 'Starálfur', 'originals/t2', 99, 5, 6, 'processing');"
        "INSERT INTO playlists (id, owner_user_id, name, is_public, created_at, updated_at) "
        "VALUES ('p1', 'u1', 'Iceland', true, 1, 1);");
  }
  auto catalog = OpenPostgresCatalog(
      PostgresOptions{.url = test_support::SharedPostgresServer().Url(database), .pool_size = 2});
  EXPECT_EQ(catalog->Migrate(), static_cast<int>(pg::AllMigrations().size() - before));
  EXPECT_EQ(Ids(*catalog, "ros svefn", SearchKind::kTrack), std::vector<std::string>{"t1"});
  EXPECT_TRUE(Ids(*catalog, "staralfur", SearchKind::kTrack).empty());  // not ready
  EXPECT_EQ(Ids(*catalog, "agaetis", SearchKind::kAlbum), std::vector<std::string>{"al1"});
  EXPECT_EQ(Ids(*catalog, "sigur", SearchKind::kArtist), std::vector<std::string>{"ar1"});
  EXPECT_EQ(Ids(*catalog, "iceland", SearchKind::kPlaylist), std::vector<std::string>{"p1"});
}

}  // namespace
}  // namespace cadenza::testing
