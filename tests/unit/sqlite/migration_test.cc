#include <gtest/gtest.h>

#include <set>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "catalog_fixture.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::testing {
namespace {

using MigrationTest = CatalogTest;

std::string QueryText(sqlite::Connection& conn, const std::string& sql) {
  auto query = conn.Prepare(sql);
  return query->Step() ? query->ColumnText(0) : std::string();
}

TEST_F(MigrationTest, OpeningDoesNotMigrateAndMigrateIsIdempotent) {
  catalog_.reset();
  std::filesystem::remove(db_path());
  catalog_ = Open();
  ASSERT_TRUE(std::filesystem::exists(db_path()));
  // No schema yet: queries fail until Migrate runs.
  EXPECT_EQ(ThrownCode([&] { Read([](CatalogTransaction& tx) { tx.users().FindById("u1"); }); }),
            ErrorCode::kInternal);

  int total = static_cast<int>(sqlite::AllMigrations().size());
  EXPECT_GE(total, 1);
  EXPECT_EQ(catalog_->Migrate(), total);
  EXPECT_EQ(catalog_->Migrate(), 0);
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.users().FindById("u1").has_value()); });

  catalog_.reset();
  catalog_ = Open();
  EXPECT_EQ(catalog_->Migrate(), 0);

  sqlite::Connection side(db_path(), {});
  EXPECT_EQ(QueryText(side, "SELECT count(*) FROM schema_migrations"), std::to_string(total));
  EXPECT_EQ(QueryText(side, "SELECT count(*) FROM schema_migrations WHERE applied_at > 0"),
            std::to_string(total));
}

TEST_F(MigrationTest, ADatabaseFromANewerReleaseIsRefused) {
  {
    sqlite::Connection side(db_path(), {});
    side.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 1)");
  }
  EXPECT_THROW(catalog_->Migrate(), std::runtime_error);
}

TEST_F(MigrationTest, SchemaHasTheExpectedShape) {
  sqlite::Connection side(db_path(), {});
  EXPECT_EQ(QueryText(side, "PRAGMA journal_mode"), "wal");
  std::set<std::string> tables;
  {
    auto query = side.Prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        // FTS5 keeps its index in tables of its own (not STRICT), named after the index.
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'");
    while (query->Step()) tables.insert(query->ColumnText(0));
  }
  EXPECT_EQ(tables, (std::set<std::string>{"users", "artists", "albums", "tracks", "playlists",
                                           "playlist_entries", "uploads", "blob_deletions",
                                           "jobs", "job_turns", "renditions",
                                           "rendition_segments", "schema_migrations",
                                           "track_search", "album_search", "artist_search",
                                           "playlist_search", "search_words",
                                           "event_outbox", "event_consumers", "play_throughs",
                                           "user_track_plays", "track_daily_plays", "consumed_events",
                                           "track_window_plays", "popular_window"}));
  for (const auto& table : tables) {
    EXPECT_EQ(QueryText(side, "SELECT strict FROM pragma_table_list WHERE name = '" + table + "'"),
              "1")
        << table << " should be STRICT";
  }
  std::set<std::string> indexes;
  {
    auto query = side.Prepare(
        "SELECT tbl_name || '(' || group_concat(ii.name, ',') || ')' FROM sqlite_schema s, "
        "pragma_index_info(s.name) ii WHERE s.type = 'index' AND s.sql IS NOT NULL "
        "GROUP BY s.name");
    while (query->Step()) indexes.insert(query->ColumnText(0));
  }
  for (const char* expected :
       {"artists(name)", "albums(title)", "albums(artist_id)", "tracks(title)",
        "tracks(album_id,track_number)", "playlists(owner_user_id)", "playlists(is_public)",
        "uploads(expires_at)", "artists(created_at)", "albums(created_at)", "tracks(created_at)",
        "jobs(kind,run_after)", "jobs(owner_id)", "blob_deletions(blob_key)",
        "track_window_plays(plays,track_id)"}) {
    EXPECT_TRUE(indexes.count(expected)) << "missing index " << expected;
  }
  // Strict typing: a text timestamp is refused rather than stored.
  EXPECT_THROW(side.Exec("INSERT INTO blob_deletions (blob_key, queued_at) VALUES ('k', 'soon')"),
               Error);
}

TEST_F(MigrationTest, RoleIsCheckedByTheSchema) {
  sqlite::Connection side(db_path(), {});
  EXPECT_THROW(side.Exec("INSERT INTO users VALUES ('u1', 'a@b.c', 'h', 'n', 'root', NULL, 1, 1)"),
               Error);
}

TEST_F(MigrationTest, DataPersistsAcrossReopening) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    tx.tracks().Insert(MakeTrack("t1", "al1", 1));
    tx.playlists().Insert(MakePlaylist("p1", "u1", true));
    PlaylistEntry entry;
    entry.track_id = "t1";
    entry.added_at = 42;
    tx.playlists().ReplaceEntries("p1", {entry});
    tx.blob_deletions().Enqueue("old/key");
  });
  catalog_.reset();
  catalog_ = Open(SqliteOptions{.read_connections = 2});
  EXPECT_EQ(catalog_->Migrate(), 0);
  Read([](CatalogTransaction& tx) {
    EXPECT_EQ(tx.users().FindByEmail("OWNER@example.com")->id, "u1");
    EXPECT_EQ(tx.albums().FindById("al1")->artist_id, "ar1");
    EXPECT_EQ(tx.tracks().FindById("t1")->track_number, 1);
    auto entries = tx.playlists().ListEntries("p1");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].track_id, "t1");
    EXPECT_EQ(entries[0].added_at, 42);
    EXPECT_EQ(tx.blob_deletions().Peek(10), (Strings{"old/key"}));
  });
}

TEST(SqliteCatalogOpenTest, RefusesBadOptionsAndMissingFolders) {
  test_support::TempDir temp;
  auto dir = temp.path() / "no-such-dir" / "x" / "c.db";
  EXPECT_EQ(ThrownCode([&] { OpenSqliteCatalog(dir); }), ErrorCode::kUnavailable);
  EXPECT_THROW(OpenSqliteCatalog(dir, SqliteOptions{.read_connections = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza::testing
