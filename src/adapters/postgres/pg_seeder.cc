#include "adapters/postgres/pg_seeder.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>

#include "adapters/postgres/pg_connection.h"

namespace cadenza {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout{10000};

// Rows in COPY's text format: tab-separated columns, \N for NULL, backslash escapes.
class CopyRows {
 public:
  CopyRows& Text(std::string_view value) {
    Separate();
    for (char c : value) {
      switch (c) {
        case '\\': out_ += "\\\\"; break;
        case '\t': out_ += "\\t"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        default: out_ += c;
      }
    }
    return *this;
  }
  CopyRows& Text(const std::string& value) { return Text(std::string_view(value)); }
  CopyRows& Text(const std::optional<std::string>& value) {
    return value ? Text(std::string_view(*value)) : Null();
  }
  CopyRows& Int(std::int64_t value) {
    Separate();
    out_ += std::to_string(value);
    return *this;
  }
  CopyRows& Int(const std::optional<std::int64_t>& value) { return value ? Int(*value) : Null(); }
  CopyRows& Double(double value) {
    Separate();
    char buffer[32];
    int size = std::snprintf(buffer, sizeof buffer, "%.17g", value);
    out_.append(buffer, static_cast<std::size_t>(size));
    return *this;
  }
  CopyRows& Null() {
    Separate();
    out_ += "\\N";
    return *this;
  }
  void EndRow() {
    out_ += '\n';
    row_started_ = false;
  }
  const std::string& text() const { return out_; }
  bool empty() const { return out_.empty(); }

 private:
  void Separate() {
    if (row_started_) out_ += '\t';
    row_started_ = true;
  }
  std::string out_;
  bool row_started_ = false;
};

std::string UserRows(const SeedBatch& batch) {
  CopyRows rows;
  for (const User& user : batch.users) {
    rows.Text(user.id).Text(user.email).Text(user.password_hash).Text(user.display_name);
    rows.Text(RoleName(user.role)).Int(user.disabled_at).Int(user.created_at);
    rows.Int(user.updated_at).Int(user.token_version).EndRow();
  }
  return rows.text();
}

std::string ArtistRows(const SeedBatch& batch) {
  CopyRows rows;
  for (const Artist& artist : batch.artists) {
    rows.Text(artist.id).Text(artist.owner_user_id).Text(artist.name).Text(artist.bio);
    rows.Int(artist.created_at).Int(artist.updated_at).EndRow();
  }
  return rows.text();
}

std::string AlbumRows(const SeedBatch& batch) {
  CopyRows rows;
  for (const Album& album : batch.albums) {
    rows.Text(album.id).Text(album.artist_id).Text(album.title).Text(album.release_date);
    rows.Int(album.created_at).Int(album.updated_at).EndRow();
  }
  return rows.text();
}

std::string TrackRows(const SeedBatch& batch) {
  CopyRows rows;
  for (const SeedTrack& seed : batch.tracks) {
    const Track& track = seed.track;
    rows.Text(track.id).Text(track.album_id).Text(track.title);
    if (track.track_number) {
      rows.Int(*track.track_number);
    } else {
      rows.Null();
    }
    rows.Text(track.blob_key).Int(track.blob_size).Int(track.created_at).Int(track.updated_at);
    rows.Text(TrackStatusName(track.status)).Double(track.progress).Int(track.duration_ms);
    if (track.loudness) {
      rows.Double(track.loudness->integrated_lufs).Double(track.loudness->true_peak_db);
      rows.Double(track.loudness->gain_db);
    } else {
      rows.Null().Null().Null();
    }
    rows.Int(seed.play_count).EndRow();
  }
  return rows.text();
}

std::string DailyPlayRows(const SeedBatch& batch) {
  CopyRows rows;
  for (const SeedDailyPlays& row : batch.daily_plays) {
    rows.Int(row.day).Text(row.track_id).Int(row.plays).EndRow();
  }
  return rows.text();
}

// The popularity window (adapters/postgres/pg_popular_window.h) rebuilt from the daily plays:
// it ends at the newest day with plays, or where it ended if that is later.
constexpr char kRebuildPopularWindow[] = R"sql(
BEGIN;
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

class PostgresSeeder final : public CatalogSeeder {
 public:
  explicit PostgresSeeder(const std::string& url) : conn_(url, kConnectTimeout) {
    conn_.Script("SET statement_timeout = 0");
  }

  std::int64_t CountTracks() override {
    return conn_.Exec("SELECT count(*) FROM tracks").Int(0, 0);
  }

  void Insert(const SeedBatch& batch) override {
    conn_.RollbackQuietly();
    conn_.Script("BEGIN");
    try {
      Copy("COPY users (id, email, password_hash, display_name, role, disabled_at, created_at, "
           "updated_at, token_version) FROM STDIN",
           UserRows(batch));
      Copy("COPY artists (id, owner_user_id, name, bio, created_at, updated_at) FROM STDIN",
           ArtistRows(batch));
      Copy("COPY albums (id, artist_id, title, release_date, created_at, updated_at) FROM STDIN",
           AlbumRows(batch));
      Copy("COPY tracks (id, album_id, title, track_number, blob_key, blob_size, created_at, "
           "updated_at, status, progress, duration_ms, integrated_lufs, true_peak_db, gain_db, "
           "play_count) FROM STDIN",
           TrackRows(batch));
      Copy("COPY track_daily_plays (day, track_id, plays) FROM STDIN", DailyPlayRows(batch));
      conn_.Script("COMMIT");
    } catch (...) {
      conn_.RollbackQuietly();
      throw;
    }
  }

  void Finish() override {
    conn_.RollbackQuietly();
    try {
      conn_.Script(kRebuildPopularWindow);
    } catch (...) {
      conn_.RollbackQuietly();
      throw;
    }
    conn_.Script(
        "ANALYZE users, artists, albums, tracks, track_daily_plays, track_window_plays");
    // As after any bulk load: search plans by the words' statistics, and the rank index is read
    // without the table only where the visibility map says so. One statement: VACUUM cannot run
    // in a transaction block, which a list of statements is.
    conn_.Script("VACUUM (ANALYZE) track_search, album_search, artist_search, playlist_search");
  }

 private:
  void Copy(std::string_view sql, const std::string& rows) {
    if (!rows.empty()) conn_.CopyIn(sql, rows);
  }

  pg::Connection conn_;
};

}  // namespace

std::unique_ptr<CatalogSeeder> OpenPostgresSeeder(const std::string& url) {
  return std::make_unique<PostgresSeeder>(url);
}

}  // namespace cadenza
