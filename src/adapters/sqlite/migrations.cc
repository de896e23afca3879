#include "adapters/sqlite/migrations.h"

namespace cadenza::sqlite {
namespace {

// Milliseconds since the epoch inside SQL (unixepoch('subsec') needs SQLite 3.42).
#define CADENZA_NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

constexpr std::string_view kV1Schema = R"sql(
CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('listener', 'artist', 'admin')),
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE artists (
  id TEXT NOT NULL PRIMARY KEY,
  owner_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  bio TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE albums (
  id TEXT NOT NULL PRIMARY KEY,
  artist_id TEXT NOT NULL REFERENCES artists (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  release_date TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tracks (
  id TEXT NOT NULL PRIMARY KEY,
  album_id TEXT NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  track_number INTEGER,
  blob_key TEXT NOT NULL UNIQUE,
  blob_size INTEGER NOT NULL CHECK (blob_size >= 0),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE playlists (
  id TEXT NOT NULL PRIMARY KEY,
  owner_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  is_public INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE playlist_entries (
  playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (playlist_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE uploads (
  id TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blob_key TEXT NOT NULL UNIQUE,
  track_id TEXT REFERENCES tracks (id) ON DELETE CASCADE,
  max_bytes INTEGER NOT NULL CHECK (max_bytes >= 0),
  expires_at INTEGER NOT NULL,
  size INTEGER,
  completed_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE blob_deletions (
  blob_key TEXT NOT NULL PRIMARY KEY,
  queued_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX artists_name ON artists (name);
CREATE INDEX artists_created_at ON artists (created_at);
CREATE INDEX albums_title ON albums (title);
CREATE INDEX albums_artist_id ON albums (artist_id);
CREATE INDEX albums_created_at ON albums (created_at);
CREATE INDEX tracks_title ON tracks (title);
CREATE INDEX tracks_album_id_track_number ON tracks (album_id, track_number);
CREATE INDEX tracks_created_at ON tracks (created_at);
CREATE INDEX playlists_owner_user_id ON playlists (owner_user_id);
CREATE INDEX playlists_is_public ON playlists (is_public);
CREATE INDEX uploads_expires_at ON uploads (expires_at);
CREATE INDEX blob_deletions_queued_at ON blob_deletions (queued_at);
-- Child-side indexes of foreign keys: without them every cascading delete scans the table.
CREATE INDEX artists_owner_user_id ON artists (owner_user_id);
CREATE INDEX playlist_entries_track_id ON playlist_entries (track_id);
CREATE INDEX uploads_user_id ON uploads (user_id);
CREATE INDEX uploads_track_id ON uploads (track_id);

-- Blob keys are queued by triggers so that no code path (cascades included) can forget one.
CREATE TRIGGER tracks_queue_blob_after_delete AFTER DELETE ON tracks
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

CREATE TRIGGER tracks_queue_blob_after_replace AFTER UPDATE OF blob_key ON tracks
WHEN old.blob_key <> new.blob_key
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

-- An expired or abandoned slot takes its blob with it; a claimed slot's key now belongs to a
-- track, so it stays.
CREATE TRIGGER uploads_queue_blob_after_delete AFTER DELETE ON uploads
WHEN NOT EXISTS (SELECT 1 FROM tracks WHERE blob_key = old.blob_key)
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;
)sql";

#undef CADENZA_NOW_MS

constexpr Migration kMigrations[] = {
    {1, "initial catalog schema", kV1Schema},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace cadenza::sqlite
