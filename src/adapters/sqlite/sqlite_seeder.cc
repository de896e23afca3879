#include "adapters/sqlite/sqlite_seeder.h"

#include <chrono>

#include "adapters/sqlite/connection.h"

namespace cadenza {
namespace {

using sqlite::Connection;

// Another process (a running server) may hold the write lock for a while between batches.
constexpr std::chrono::milliseconds kBusyTimeout{30000};

// The popularity window (adapters/sqlite/popular_window.h) rebuilt from the daily plays: it
// ends at the newest day with plays, or where it ended if that is later.
constexpr char kRebuildPopularWindow[] = R"sql(
BEGIN IMMEDIATE;
INSERT INTO popular_window (singleton, newest_day)
  SELECT 1, newest FROM (SELECT max(day) AS newest FROM (
    SELECT max(day) AS day FROM track_daily_plays
    UNION ALL SELECT newest_day FROM popular_window) AS days) AS latest
  WHERE newest IS NOT NULL
  ON CONFLICT (singleton) DO UPDATE SET newest_day = excluded.newest_day;
DELETE FROM track_window_plays;
INSERT INTO track_window_plays (track_id, plays)
  SELECT d.track_id, sum(d.plays) FROM track_daily_plays d, popular_window w
  WHERE d.day BETWEEN w.newest_day - 6 AND w.newest_day GROUP BY d.track_id;
COMMIT;
)sql";

class SqliteSeeder final : public CatalogSeeder {
 public:
  explicit SqliteSeeder(const std::filesystem::path& file)
      : conn_(file, sqlite::ConnectionOptions{.busy_timeout = kBusyTimeout}) {
    conn_.Exec("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;");
  }

  ~SqliteSeeder() override {
    if (!finished_) RestoreSettings();
  }
  SqliteSeeder(const SqliteSeeder&) = delete;
  SqliteSeeder& operator=(const SqliteSeeder&) = delete;

  std::int64_t CountTracks() override {
    auto query = conn_.Prepare("SELECT count(*) FROM tracks");
    return query->Step() ? query->ColumnInt(0) : 0;
  }

  void Insert(const SeedBatch& batch) override {
    conn_.RollbackQuietly();
    conn_.Exec("BEGIN IMMEDIATE");
    try {
      for (const User& user : batch.users) InsertUser(user);
      for (const Artist& artist : batch.artists) InsertArtist(artist);
      for (const Album& album : batch.albums) InsertAlbum(album);
      for (const SeedTrack& track : batch.tracks) InsertTrack(track);
      for (const SeedDailyPlays& row : batch.daily_plays) InsertDailyPlays(row);
      conn_.Exec("COMMIT");
    } catch (...) {
      conn_.RollbackQuietly();
      throw;
    }
  }

  void Finish() override {
    conn_.RollbackQuietly();
    try {
      conn_.Exec(kRebuildPopularWindow);
    } catch (...) {
      conn_.RollbackQuietly();
      throw;
    }
    RestoreSettings();
    conn_.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
    finished_ = true;
  }

 private:
  void RestoreSettings() noexcept {
    try {
      // The values every catalogue connection opens with (adapters/sqlite/connection.cc).
      conn_.Exec("PRAGMA synchronous=FULL; PRAGMA cache_size=-2000;");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the connection closes next anyway
    }
  }

  void InsertUser(const User& user) {
    auto insert = conn_.Prepare(
        "INSERT INTO users (id, email, password_hash, display_name, role, disabled_at, "
        "created_at, updated_at, token_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    insert->BindText(1, user.id)
        .BindText(2, user.email)
        .BindText(3, user.password_hash)
        .BindText(4, user.display_name)
        .BindText(5, RoleName(user.role))
        .BindInt(6, user.disabled_at)
        .BindInt(7, user.created_at)
        .BindInt(8, user.updated_at)
        .BindInt(9, user.token_version);
    insert->Run();
  }

  void InsertArtist(const Artist& artist) {
    auto insert = conn_.Prepare(
        "INSERT INTO artists (id, owner_user_id, name, bio, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert->BindText(1, artist.id)
        .BindText(2, artist.owner_user_id)
        .BindText(3, artist.name)
        .BindText(4, artist.bio)
        .BindInt(5, artist.created_at)
        .BindInt(6, artist.updated_at);
    insert->Run();
  }

  void InsertAlbum(const Album& album) {
    auto insert = conn_.Prepare(
        "INSERT INTO albums (id, artist_id, title, release_date, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert->BindText(1, album.id)
        .BindText(2, album.artist_id)
        .BindText(3, album.title)
        .BindText(4, album.release_date)
        .BindInt(5, album.created_at)
        .BindInt(6, album.updated_at);
    insert->Run();
  }

  void InsertTrack(const SeedTrack& seed) {
    const Track& track = seed.track;
    auto insert = conn_.Prepare(
        "INSERT INTO tracks (id, album_id, title, track_number, blob_key, blob_size, created_at, "
        "updated_at, status, progress, duration_ms, integrated_lufs, true_peak_db, gain_db, "
        "play_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    insert->BindText(1, track.id)
        .BindText(2, track.album_id)
        .BindText(3, track.title)
        .BindInt(4, track.track_number)
        .BindText(5, track.blob_key)
        .BindInt(6, track.blob_size)
        .BindInt(7, track.created_at)
        .BindInt(8, track.updated_at)
        .BindText(9, TrackStatusName(track.status))
        .BindDouble(10, track.progress)
        .BindInt(11, track.duration_ms);
    if (track.loudness) {
      insert->BindDouble(12, track.loudness->integrated_lufs)
          .BindDouble(13, track.loudness->true_peak_db)
          .BindDouble(14, track.loudness->gain_db);
    } else {
      insert->BindNull(12).BindNull(13).BindNull(14);
    }
    insert->BindInt(15, seed.play_count);
    insert->Run();
  }

  void InsertDailyPlays(const SeedDailyPlays& row) {
    auto insert =
        conn_.Prepare("INSERT INTO track_daily_plays (day, track_id, plays) VALUES (?1, ?2, ?3)");
    insert->BindInt(1, row.day).BindText(2, row.track_id).BindInt(3, row.plays);
    insert->Run();
  }

  Connection conn_;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<CatalogSeeder> OpenSqliteSeeder(const std::filesystem::path& database_file) {
  return std::make_unique<SqliteSeeder>(database_file);
}

}  // namespace cadenza
