// Rows stored before schema version 8 are found by search once the file is upgraded.
#include <gtest/gtest.h>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "adapters/sqlite/migrator.h"
#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using SearchMigrationTest = CatalogTest;

std::vector<std::string> Ids(Catalog& catalog, const std::string& text, SearchKind kind) {
  std::vector<std::string> ids;
  catalog.Read([&](CatalogTransaction& tx) {
    for (const SearchHit& hit : tx.search().Search({text, kind})) ids.push_back(hit.id);
  });
  return ids;
}

TEST_F(SearchMigrationTest, IndexesTheRowsThatWereThereBefore) {
  auto file = dir_ / "before-search.db";
  std::size_t before = 0;
  for (const auto& m : sqlite::AllMigrations()) before += m.version < 8 ? 1 : 0;
  {
    sqlite::Connection conn(file, {});
    ASSERT_GT(sqlite::ApplyMigrations(conn, sqlite::AllMigrations().first(before)), 0);
    conn.Exec(
        "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, created_at, "
        "updated_at) VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
        "INSERT INTO artists VALUES ('ar1', 'u1', 'Sigur Rós', NULL, 1, 1);"
        "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
        "VALUES ('al1', 'ar1', 'Ágætis byrjun', 1, 1);"
        "INSERT INTO tracks (id, album_id, title, blob_key, blob_size, created_at, updated_at, "
        "status) VALUES ('t1', 'al1', 'Svefn-g-englar', 'originals/t1', 99, 5, 6, 'ready'),"
        "('t2', 'al1', 'Starálfur', 'originals/t2', 99, 5, 6, 'processing');"
        "INSERT INTO playlists (id, owner_user_id, name, is_public, created_at, updated_at) "
        "VALUES ('p1', 'u1', 'Iceland', 1, 1, 1);");
  }
  auto catalog = OpenSqliteCatalog(file);
  EXPECT_EQ(catalog->Migrate(), static_cast<int>(sqlite::AllMigrations().size() - before));
  EXPECT_EQ(Ids(*catalog, "ros svefn", SearchKind::kTrack), std::vector<std::string>{"t1"});
  EXPECT_TRUE(Ids(*catalog, "staralfur", SearchKind::kTrack).empty());  // not ready
  EXPECT_EQ(Ids(*catalog, "agaetis", SearchKind::kAlbum), std::vector<std::string>{"al1"});
  EXPECT_EQ(Ids(*catalog, "sigur", SearchKind::kArtist), std::vector<std::string>{"ar1"});
  EXPECT_EQ(Ids(*catalog, "iceland", SearchKind::kPlaylist), std::vector<std::string>{"p1"});
  EXPECT_EQ(Ids(*catalog, "byrjun", SearchKind::kTrack), std::vector<std::string>{"t1"});
}

}  // namespace
}  // namespace cadenza::testing
