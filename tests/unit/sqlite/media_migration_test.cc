#include <gtest/gtest.h>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrations.h"
#include "adapters/sqlite/migrator.h"
#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using MediaMigrationTest = CatalogTest;

// A database as the release before the media pipeline left it: schema version 1 with a track.
void CreateVersionOneDatabase(const std::filesystem::path& file) {
  sqlite::Connection conn(file, {});
  ASSERT_EQ(sqlite::ApplyMigrations(conn, sqlite::AllMigrations().first(1)), 1);
  conn.Exec(
      "INSERT INTO users VALUES ('u1', 'a@example.com', 'h', 'n', 'artist', NULL, 1, 1);"
      "INSERT INTO artists VALUES ('ar1', 'u1', 'Artist', NULL, 1, 1);"
      "INSERT INTO albums VALUES ('al1', 'ar1', 'Album', NULL, 1, 1);"
      "INSERT INTO tracks VALUES ('t-old', 'al1', 'Old', 1, 'originals/t-old', 99, 5, 6);");
}

TEST_F(MediaMigrationTest, TracksFromBeforeThePipelineReadBackReady) {
  auto file = dir_ / "v1.db";
  CreateVersionOneDatabase(file);
  auto catalog = OpenSqliteCatalog(file);
  EXPECT_EQ(catalog->Migrate(), static_cast<int>(sqlite::AllMigrations().size()) - 1);

  auto old =
      catalog->ReadValue([](CatalogTransaction& tx) { return tx.tracks().FindById("t-old"); });
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->status, TrackStatus::kReady);
  EXPECT_EQ(old->progress, 1.0);
  EXPECT_FALSE(old->error.has_value());
  EXPECT_FALSE(old->duration_ms.has_value());
  EXPECT_FALSE(old->loudness.has_value());
  EXPECT_EQ(old->title, "Old");
  EXPECT_EQ(old->blob_key, "originals/t-old");
  EXPECT_EQ(old->blob_size, 99);
  EXPECT_EQ(old->updated_at, 6);

  // The new tables work on the migrated file; a new track keeps the status it is given.
  catalog->Write([](CatalogTransaction& tx) {
    tx.tracks().Insert(MakeTrack("t-new", "al1"));
    Job job;
    job.id = "j1";
    job.kind = "transcode";
    job.subject_id = "t-new";
    tx.jobs().Enqueue(job);
  });
  catalog->Read([](CatalogTransaction& tx) {
    EXPECT_EQ(tx.tracks().FindById("t-new")->status, TrackStatus::kProcessing);
    EXPECT_EQ(tx.tracks().FindById("t-new")->progress, 0.0);
    EXPECT_EQ(tx.jobs().FindBySubject("transcode", "t-new")->id, "j1");
    EXPECT_TRUE(tx.renditions().ListForTrack("t-old").empty());
  });
  EXPECT_EQ(catalog->Migrate(), 0);
}

TEST_F(MediaMigrationTest, SchemaRefusesInconsistentMediaValues) {
  SeedAlbum();
  Write([](CatalogTransaction& tx) { tx.tracks().Insert(MakeTrack("t1", "al1")); });
  sqlite::Connection side(db_path(), {});
  EXPECT_THROW(side.Exec("UPDATE tracks SET status = 'done'"), Error);
  EXPECT_THROW(side.Exec("UPDATE tracks SET progress = 1.5"), Error);
  // Loudness is all three numbers or none.
  EXPECT_THROW(side.Exec("UPDATE tracks SET integrated_lufs = -9"), Error);
  side.Exec("UPDATE tracks SET integrated_lufs = -9, true_peak_db = -1, gain_db = -5");
  EXPECT_THROW(side.Exec("UPDATE tracks SET gain_db = NULL"), Error);
}

}  // namespace
}  // namespace cadenza::testing
