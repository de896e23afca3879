// Daily plays stored before schema version 13 make the popularity window once the file is
// upgraded, and the window then moves on from there.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "adapters/sqlite/migrator.h"
#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using PopularWindowMigrationTest = CatalogTest;

std::vector<std::string> Ranked(Catalog& catalog, std::int64_t from, std::int64_t to) {
  std::vector<std::string> out;
  catalog.Read([&](CatalogTransaction& tx) {
    for (const TrackListening& row : tx.listening().Popular(from, to, 10, 0)) {
      out.push_back(row.track_id + ":" + std::to_string(row.plays));
    }
  });
  return out;
}

std::int64_t QueryInt(const std::filesystem::path& file, const std::string& sql) {
  sqlite::Connection conn(file, {});
  auto query = conn.Prepare(sql);
  return query->Step() ? query->ColumnInt(0) : -1;
}

TEST_F(PopularWindowMigrationTest, FillsTheWindowEndingAtTheNewestDayWithPlays) {
  auto file = dir_ / "before-window.db";
  std::size_t before = 0;
  for (const auto& m : sqlite::AllMigrations()) before += m.version < 13 ? 1 : 0;
  {
    sqlite::Connection conn(file, {});
    ASSERT_GT(sqlite::ApplyMigrations(conn, sqlite::AllMigrations().first(before)), 0);
    conn.Exec(
        "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, created_at, "
        "updated_at) VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
        "INSERT INTO artists VALUES ('ar1', 'u1', 'Artist', NULL, 1, 1);"
        "INSERT INTO albums (id, artist_id, title, created_at, updated_at) "
        "VALUES ('al1', 'ar1', 'Album', 1, 1);"
        "INSERT INTO tracks (id, album_id, title, blob_key, blob_size, created_at, updated_at, "
        "status) VALUES ('t1', 'al1', 'One', 'originals/t1', 99, 5, 6, 'ready'),"
        "('t2', 'al1', 'Two', 'originals/t2', 99, 5, 6, 'ready');"
        "INSERT INTO track_daily_plays (day, track_id, plays) VALUES "
        "(101, 't1', 3), (95, 't1', 2), (94, 't1', 5), (100, 't2', 4);");
  }
  auto catalog = OpenSqliteCatalog(file);
  EXPECT_EQ(catalog->Migrate(), static_cast<int>(sqlite::AllMigrations().size() - before));
  EXPECT_EQ(QueryInt(file, "SELECT newest_day FROM popular_window"), 101);
  EXPECT_EQ(QueryInt(file, "SELECT count(*) FROM track_window_plays"), 2);
  EXPECT_EQ(QueryInt(file, "SELECT plays FROM track_window_plays WHERE track_id = 't1'"), 5);
  EXPECT_EQ(Ranked(*catalog, 95, 101), (std::vector<std::string>{"t1:5", "t2:4"}));

  // The next day's play moves the window: day 95 leaves it.
  catalog->Write([](CatalogTransaction& tx) { tx.listening().AddDailyPlay("t2", 102); });
  EXPECT_EQ(QueryInt(file, "SELECT newest_day FROM popular_window"), 102);
  EXPECT_EQ(QueryInt(file, "SELECT plays FROM track_window_plays WHERE track_id = 't1'"), 3);
  EXPECT_EQ(Ranked(*catalog, 96, 102), (std::vector<std::string>{"t2:5", "t1:3"}));
}

}  // namespace
}  // namespace cadenza::testing
