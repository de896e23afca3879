#include "adapters/sqlite/migrations.h"

#include "adapters/sqlite/popular_window.h"
#include "adapters/sqlite/search_migration.h"
#include "adapters/sqlite/search_rank_migration.h"

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

// The media pipeline: track processing state and loudness, background jobs, renditions.
// Tracks that existed before it were playable from their original, so they stay 'ready'.
constexpr std::string_view kV2MediaPipeline = R"sql(
ALTER TABLE tracks ADD COLUMN status TEXT NOT NULL DEFAULT 'ready'
  CHECK (status IN ('processing', 'ready', 'failed'));
ALTER TABLE tracks ADD COLUMN progress REAL NOT NULL DEFAULT 1
  CHECK (progress >= 0 AND progress <= 1);
ALTER TABLE tracks ADD COLUMN error TEXT;
ALTER TABLE tracks ADD COLUMN duration_ms INTEGER CHECK (duration_ms >= 0);
ALTER TABLE tracks ADD COLUMN integrated_lufs REAL;
ALTER TABLE tracks ADD COLUMN true_peak_db REAL;
-- Loudness is one measurement: its three numbers are all known or all unknown.
ALTER TABLE tracks ADD COLUMN gain_db REAL
  CHECK ((integrated_lufs IS NULL) = (gain_db IS NULL)
         AND (true_peak_db IS NULL) = (gain_db IS NULL));

-- One row per (kind, subject): enqueueing again resets the row instead of adding a second job.
-- Jobs that used up max_attempts stay as the record of a permanent failure.
CREATE TABLE jobs (
  id TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  run_after INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (kind, subject_id)
) STRICT;
CREATE INDEX jobs_kind_run_after ON jobs (kind, run_after);

CREATE TABLE renditions (
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  codec TEXT NOT NULL CHECK (codec IN ('aac', 'opus', 'mp3')),
  bitrate_kbps INTEGER NOT NULL CHECK (bitrate_kbps > 0),
  packaging TEXT NOT NULL CHECK (packaging IN ('cmaf', 'progressive')),
  codecs TEXT NOT NULL,
  sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
  channels INTEGER NOT NULL CHECK (channels > 0),
  timescale INTEGER NOT NULL CHECK (timescale > 0),
  duration INTEGER NOT NULL CHECK (duration >= 0),
  blob_key TEXT NOT NULL UNIQUE,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  average_bitrate INTEGER NOT NULL CHECK (average_bitrate >= 0),
  peak_bitrate INTEGER NOT NULL CHECK (peak_bitrate >= 0),
  PRIMARY KEY (track_id, name),
  CHECK (name = codec || '_' || bitrate_kbps)
) STRICT, WITHOUT ROWID;

CREATE TABLE rendition_segments (
  track_id TEXT NOT NULL,
  name TEXT NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  blob_key TEXT NOT NULL UNIQUE,
  duration INTEGER NOT NULL CHECK (duration >= 0),
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  PRIMARY KEY (track_id, name, idx),
  FOREIGN KEY (track_id, name) REFERENCES renditions (track_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Entries ending in '/' are prefixes (an abandoned transcode attempt's folder). Only they can
-- cover a key other than their own, and there are few of them: this index lets the
-- insert triggers below find them without scanning the whole queue.
CREATE INDEX blob_deletions_prefixes ON blob_deletions (blob_key)
WHERE substr(blob_key, -1) = '/';

-- Rendition and segment blobs are queued like track blobs, cascades from tracks included.
CREATE TRIGGER renditions_queue_blob_after_delete AFTER DELETE ON renditions
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

CREATE TRIGGER rendition_segments_queue_blob_after_delete AFTER DELETE ON rendition_segments
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

CREATE TRIGGER renditions_queue_blob_after_replace AFTER UPDATE OF blob_key ON renditions
WHEN old.blob_key <> new.blob_key
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

CREATE TRIGGER rendition_segments_queue_blob_after_replace
AFTER UPDATE OF blob_key ON rendition_segments
WHEN old.blob_key <> new.blob_key
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.blob_key, )sql" CADENZA_NOW_MS R"sql();
END;

-- A key that a live row points to must never be deleted: a redo that reuses a key queued by
-- the rows it replaced (or by an abandoned attempt's prefix) takes it back off the queue.
CREATE TRIGGER renditions_keep_blob_after_insert AFTER INSERT ON renditions
BEGIN
  DELETE FROM blob_deletions WHERE blob_key = new.blob_key;
  DELETE FROM blob_deletions WHERE substr(blob_key, -1) = '/'
    AND substr(new.blob_key, 1, length(blob_key)) = blob_key;
END;

CREATE TRIGGER rendition_segments_keep_blob_after_insert AFTER INSERT ON rendition_segments
BEGIN
  DELETE FROM blob_deletions WHERE blob_key = new.blob_key;
  DELETE FROM blob_deletions WHERE substr(blob_key, -1) = '/'
    AND substr(new.blob_key, 1, length(blob_key)) = blob_key;
END;

CREATE TRIGGER renditions_keep_blob_after_replace AFTER UPDATE OF blob_key ON renditions
BEGIN
  DELETE FROM blob_deletions WHERE blob_key = new.blob_key;
  DELETE FROM blob_deletions WHERE substr(blob_key, -1) = '/'
    AND substr(new.blob_key, 1, length(blob_key)) = blob_key;
END;

CREATE TRIGGER rendition_segments_keep_blob_after_replace
AFTER UPDATE OF blob_key ON rendition_segments
BEGIN
  DELETE FROM blob_deletions WHERE blob_key = new.blob_key;
  DELETE FROM blob_deletions WHERE substr(blob_key, -1) = '/'
    AND substr(new.blob_key, 1, length(blob_key)) = blob_key;
END;
)sql";

// Album cover art: the blob prefix of the album's current cover version. Replacing or
// deleting (cascades included) queues the old version's folder as a prefix entry.
constexpr std::string_view kV3AlbumCovers = R"sql(
ALTER TABLE albums ADD COLUMN cover_key TEXT CHECK (cover_key IS NULL OR substr(cover_key, -1) = '/');
-- The largest size stored under cover_key (the smaller ones of kCoverSizes are all there).
ALTER TABLE albums ADD COLUMN cover_max_px INTEGER CHECK (cover_max_px > 0);

CREATE TRIGGER albums_queue_cover_after_replace AFTER UPDATE OF cover_key ON albums
WHEN old.cover_key IS NOT NULL AND old.cover_key IS NOT new.cover_key
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.cover_key, )sql" CADENZA_NOW_MS R"sql();
END;

CREATE TRIGGER albums_queue_cover_after_delete AFTER DELETE ON albums
WHEN old.cover_key IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at)
  VALUES (old.cover_key, )sql" CADENZA_NOW_MS R"sql();
END;

-- A cover version that becomes current again must not be removed under it.
CREATE TRIGGER albums_keep_cover_after_set AFTER UPDATE OF cover_key ON albums
WHEN new.cover_key IS NOT NULL
BEGIN
  DELETE FROM blob_deletions WHERE blob_key = new.cover_key;
END;
)sql";

// The uploaded file's tags, offered to clients.
constexpr char kV4TrackTags[] = R"sql(
ALTER TABLE tracks ADD COLUMN tag_title TEXT NULL;
ALTER TABLE tracks ADD COLUMN tag_artist TEXT NULL;
ALTER TABLE tracks ADD COLUMN tag_album TEXT NULL;
ALTER TABLE tracks ADD COLUMN tag_date TEXT NULL;
ALTER TABLE tracks ADD COLUMN tag_track_number INTEGER NULL;
)sql";

// Revocation: every access and media token carries the account's token version; bumping it
// (password change, disable, role change) makes all earlier tokens fail at once.
constexpr char kV5TokenVersion[] = R"sql(
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0 CHECK (token_version >= 0);
)sql";

// Per-account limits and fair leasing: each job names the account it works for (existing
// transcode jobs take their track's owner), and each owner's last turn at a lease is kept so
// that leases go round the owners instead of draining the oldest owner's backlog first.
constexpr char kV6JobOwners[] = R"sql(
ALTER TABLE jobs ADD COLUMN owner_id TEXT NULL;
UPDATE jobs SET owner_id = (
  SELECT artists.owner_user_id FROM tracks
  JOIN albums ON albums.id = tracks.album_id
  JOIN artists ON artists.id = albums.artist_id
  WHERE tracks.id = jobs.subject_id)
WHERE kind = 'transcode';
CREATE INDEX jobs_owner_id ON jobs (owner_id);

-- One row per (kind, owner): the sequence number of the owner's latest lease.
CREATE TABLE job_turns (
  kind TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  served_seq INTEGER NOT NULL,
  PRIMARY KEY (kind, owner_id)
) STRICT, WITHOUT ROWID;
)sql";

// Popularity: how many plays the listening events counted for each track. Search ranks by it,
// browse orders top tracks by it; the events' consumers keep it.
constexpr char kV7PlayCounts[] = R"sql(
ALTER TABLE tracks ADD COLUMN play_count INTEGER NOT NULL DEFAULT 0 CHECK (play_count >= 0);
)sql";

// Listening events: the transactional outbox (seq is the rowid, handed out by the single
// writer, so seq order is commit order), each consumer's position, the play-throughs that
// count a play once, and the consumers' tables: plays per listener and track, plays per track
// and UTC day.
constexpr char kV9EventOutbox[] = R"sql(
CREATE TABLE event_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_key TEXT NOT NULL,
  user_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  position_ms INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1))
) STRICT;
CREATE INDEX event_outbox_unpublished ON event_outbox (seq) WHERE published = 0;

CREATE TABLE event_consumers (
  name TEXT NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL CHECK (position >= 0)
) STRICT, WITHOUT ROWID;

CREATE TABLE play_throughs (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  play_id TEXT NOT NULL,
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  counted INTEGER NOT NULL DEFAULT 0 CHECK (counted IN (0, 1)),
  started_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, play_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX play_throughs_track ON play_throughs (track_id);

CREATE TABLE user_track_plays (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  plays INTEGER NOT NULL CHECK (plays > 0),
  last_played_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, track_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_track_plays_recent ON user_track_plays (user_id, last_played_at DESC, track_id);
CREATE INDEX user_track_plays_most
  ON user_track_plays (user_id, plays DESC, last_played_at DESC, track_id);
CREATE INDEX user_track_plays_track ON user_track_plays (track_id);

CREATE TABLE track_daily_plays (
  day INTEGER NOT NULL,
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  plays INTEGER NOT NULL CHECK (plays > 0),
  PRIMARY KEY (day, track_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX track_daily_plays_track ON track_daily_plays (track_id);

-- Browse: an artist's top tracks, new releases.
CREATE INDEX tracks_album_id_play_count ON tracks (album_id, play_count DESC);
CREATE INDEX albums_new_releases ON albums (release_date DESC, created_at DESC, id DESC);
)sql";

// Deduplication for consumers of the streaming platform (Kafka), which may deliver an event
// twice: the events each consumer applied, by id, forgotten after a retention window.
constexpr char kV10ConsumedEvents[] = R"sql(
CREATE TABLE consumed_events (
  consumer TEXT NOT NULL,
  event_id TEXT NOT NULL,
  consumed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, event_id)
) STRICT;
CREATE INDEX consumed_events_consumed_at ON consumed_events (consumed_at);
)sql";

// Retention (services/events/event_retention.h) deletes old outbox records and play-throughs
// in small batches; these indexes find them without scanning the tables.
constexpr char kV12EventRetention[] = R"sql(
CREATE INDEX event_outbox_recorded_at ON event_outbox (recorded_at);
CREATE INDEX play_throughs_started_at ON play_throughs (started_at);
)sql";

#undef CADENZA_NOW_MS

// Not constexpr: the search migration is assembled from one template per kind.
const Migration kMigrations[] = {
    {1, "initial catalog schema", kV1Schema},
    {2, "media pipeline: track status, jobs, renditions", kV2MediaPipeline},
    {3, "album cover art", kV3AlbumCovers},
    {4, "track tags", kV4TrackTags},
    {5, "account token versions", kV5TokenVersion},
    {6, "job owners and fair leasing", kV6JobOwners},
    {7, "track play counts", kV7PlayCounts},
    {8, "full-text search index", SearchMigrationSql()},
    {9, "event outbox and listening statistics", kV9EventOutbox},
    {10, "consumed events of the streaming platform", kV10ConsumedEvents},
    {11, "search documents keyed by rank", SearchRankMigrationSql()},
    {12, "indexes for the retention of event tables", kV12EventRetention},
    {13, "popularity window", PopularWindowMigrationSql()},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace cadenza::sqlite
