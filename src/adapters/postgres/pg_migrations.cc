#include "adapters/postgres/pg_migrations.h"

#include "adapters/postgres/pg_popular_window.h"
#include "adapters/postgres/pg_search_migration.h"
#include "adapters/postgres/pg_search_rank_migration.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace cadenza::pg {
namespace {

// Any constant unique to Cadenza's catalog among the advisory locks of a database.
constexpr std::int64_t kMigrationLock = 0x63616465'6e7a6101;

// Ids, keys and emails compare byte for byte (COLLATE "C"): keyset pagination relies on the
// order of UUIDv7 text, and emails fold ASCII letters only, as SQLite's NOCASE does.
constexpr std::string_view kSchema = R"sql(
CREATE FUNCTION cadenza_now_ms() RETURNS BIGINT LANGUAGE sql VOLATILE
  AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT $$;

CREATE TABLE users (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  email TEXT COLLATE "C" NOT NULL,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('listener', 'artist', 'admin')),
  disabled_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  token_version BIGINT NOT NULL DEFAULT 0 CHECK (token_version >= 0)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE artists (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  owner_user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  bio TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE albums (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  artist_id TEXT COLLATE "C" NOT NULL REFERENCES artists (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  release_date TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  cover_key TEXT COLLATE "C" CHECK (cover_key IS NULL OR right(cover_key, 1) = '/'),
  cover_max_px INTEGER CHECK (cover_max_px > 0)
);

CREATE TABLE tracks (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  album_id TEXT COLLATE "C" NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  track_number INTEGER,
  blob_key TEXT COLLATE "C" NOT NULL UNIQUE,
  blob_size BIGINT NOT NULL CHECK (blob_size >= 0),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('processing', 'ready', 'failed')),
  progress DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (progress >= 0 AND progress <= 1),
  error TEXT,
  duration_ms BIGINT CHECK (duration_ms >= 0),
  integrated_lufs DOUBLE PRECISION,
  true_peak_db DOUBLE PRECISION,
  gain_db DOUBLE PRECISION
    CHECK ((integrated_lufs IS NULL) = (gain_db IS NULL)
           AND (true_peak_db IS NULL) = (gain_db IS NULL)),
  tag_title TEXT,
  tag_artist TEXT,
  tag_album TEXT,
  tag_date TEXT,
  tag_track_number INTEGER
);

CREATE TABLE playlists (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  owner_user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  is_public BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE playlist_entries (
  playlist_id TEXT COLLATE "C" NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  track_id TEXT COLLATE "C" NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (playlist_id, position)
);

CREATE TABLE uploads (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blob_key TEXT COLLATE "C" NOT NULL UNIQUE,
  track_id TEXT COLLATE "C" REFERENCES tracks (id) ON DELETE CASCADE,
  max_bytes BIGINT NOT NULL CHECK (max_bytes >= 0),
  expires_at BIGINT NOT NULL,
  size BIGINT,
  completed_at BIGINT,
  created_at BIGINT NOT NULL
);

CREATE TABLE blob_deletions (
  blob_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  queued_at BIGINT NOT NULL
);

-- One row per (kind, subject): enqueueing again resets the row instead of adding a second job.
CREATE TABLE jobs (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL,
  subject_id TEXT COLLATE "C" NOT NULL,
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  run_after BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  lease_expires_at BIGINT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  owner_id TEXT COLLATE "C",
  UNIQUE (kind, subject_id)
);

-- One row per (kind, owner): the sequence number of the owner's latest lease.
CREATE TABLE job_turns (
  kind TEXT COLLATE "C" NOT NULL,
  owner_id TEXT COLLATE "C" NOT NULL,
  served_seq BIGINT NOT NULL,
  PRIMARY KEY (kind, owner_id)
);

CREATE TABLE renditions (
  track_id TEXT COLLATE "C" NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  codec TEXT NOT NULL CHECK (codec IN ('aac', 'opus', 'mp3')),
  bitrate_kbps INTEGER NOT NULL CHECK (bitrate_kbps > 0),
  packaging TEXT NOT NULL CHECK (packaging IN ('cmaf', 'progressive')),
  codecs TEXT NOT NULL,
  sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
  channels INTEGER NOT NULL CHECK (channels > 0),
  timescale INTEGER NOT NULL CHECK (timescale > 0),
  duration BIGINT NOT NULL CHECK (duration >= 0),
  blob_key TEXT COLLATE "C" NOT NULL UNIQUE,
  size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
  average_bitrate BIGINT NOT NULL CHECK (average_bitrate >= 0),
  peak_bitrate BIGINT NOT NULL CHECK (peak_bitrate >= 0),
  PRIMARY KEY (track_id, name),
  CHECK (name = codec || '_' || bitrate_kbps)
);

CREATE TABLE rendition_segments (
  track_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  blob_key TEXT COLLATE "C" NOT NULL UNIQUE,
  duration BIGINT NOT NULL CHECK (duration >= 0),
  size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
  PRIMARY KEY (track_id, name, idx),
  FOREIGN KEY (track_id, name) REFERENCES renditions (track_id, name) ON DELETE CASCADE
);

CREATE INDEX artists_name ON artists (name);
CREATE INDEX artists_created_at ON artists (created_at);
CREATE INDEX artists_owner_user_id ON artists (owner_user_id);
CREATE INDEX albums_title ON albums (title);
CREATE INDEX albums_artist_id ON albums (artist_id);
CREATE INDEX albums_created_at ON albums (created_at);
CREATE INDEX tracks_title ON tracks (title);
CREATE INDEX tracks_album_id_track_number ON tracks (album_id, track_number);
CREATE INDEX tracks_created_at ON tracks (created_at);
CREATE INDEX playlists_owner_user_id ON playlists (owner_user_id);
CREATE INDEX playlists_is_public ON playlists (is_public);
CREATE INDEX playlist_entries_track_id ON playlist_entries (track_id);
CREATE INDEX uploads_expires_at ON uploads (expires_at);
CREATE INDEX uploads_user_id ON uploads (user_id);
CREATE INDEX uploads_track_id ON uploads (track_id);
CREATE INDEX blob_deletions_queued_at ON blob_deletions (queued_at);
-- Only prefix entries (ending in '/') can cover a key other than their own; few exist.
CREATE INDEX blob_deletions_prefixes ON blob_deletions (blob_key) WHERE right(blob_key, 1) = '/';
CREATE INDEX jobs_kind_run_after ON jobs (kind, run_after);
CREATE INDEX jobs_owner_id ON jobs (owner_id);
)sql";

// Blob keys are queued by triggers so that no code path (cascades included) can forget one.
// TG_ARGV[0] names the key column; the keep trigger's TG_ARGV[1] = 'prefixes' also takes
// queued prefixes of the new key off the queue.
constexpr std::string_view kTriggers = R"sql(
CREATE FUNCTION cadenza_queue_old_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key TEXT := to_jsonb(OLD) ->> TG_ARGV[0];
BEGIN
  IF key IS NOT NULL THEN
    INSERT INTO blob_deletions (blob_key, queued_at) VALUES (key, cadenza_now_ms())
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

-- A key that a live row points to must never be deleted.
CREATE FUNCTION cadenza_keep_new_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key TEXT COLLATE "C" := to_jsonb(NEW) ->> TG_ARGV[0];
BEGIN
  IF key IS NOT NULL THEN
    DELETE FROM blob_deletions WHERE blob_key = key;
    IF TG_ARGV[1] = 'prefixes' THEN
      DELETE FROM blob_deletions WHERE right(blob_key, 1) = '/' AND starts_with(key, blob_key);
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- An expired or abandoned slot takes its blob with it; a claimed slot's key belongs to a track.
CREATE FUNCTION cadenza_queue_upload_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM tracks WHERE blob_key = OLD.blob_key) THEN
    INSERT INTO blob_deletions (blob_key, queued_at) VALUES (OLD.blob_key, cadenza_now_ms())
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tracks_queue_blob_after_delete AFTER DELETE ON tracks
  FOR EACH ROW EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER tracks_queue_blob_after_replace AFTER UPDATE OF blob_key ON tracks
  FOR EACH ROW WHEN (OLD.blob_key <> NEW.blob_key) EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER uploads_queue_blob_after_delete AFTER DELETE ON uploads
  FOR EACH ROW EXECUTE FUNCTION cadenza_queue_upload_key();

CREATE TRIGGER renditions_queue_blob_after_delete AFTER DELETE ON renditions
  FOR EACH ROW EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER rendition_segments_queue_blob_after_delete AFTER DELETE ON rendition_segments
  FOR EACH ROW EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER renditions_queue_blob_after_replace AFTER UPDATE OF blob_key ON renditions
  FOR EACH ROW WHEN (OLD.blob_key <> NEW.blob_key) EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER rendition_segments_queue_blob_after_replace AFTER UPDATE OF blob_key ON rendition_segments
  FOR EACH ROW WHEN (OLD.blob_key <> NEW.blob_key) EXECUTE FUNCTION cadenza_queue_old_key('blob_key');
CREATE TRIGGER renditions_keep_blob AFTER INSERT OR UPDATE OF blob_key ON renditions
  FOR EACH ROW EXECUTE FUNCTION cadenza_keep_new_key('blob_key', 'prefixes');
CREATE TRIGGER rendition_segments_keep_blob AFTER INSERT OR UPDATE OF blob_key ON rendition_segments
  FOR EACH ROW EXECUTE FUNCTION cadenza_keep_new_key('blob_key', 'prefixes');

CREATE TRIGGER albums_queue_cover_after_replace AFTER UPDATE OF cover_key ON albums
  FOR EACH ROW WHEN (OLD.cover_key IS NOT NULL AND OLD.cover_key IS DISTINCT FROM NEW.cover_key)
  EXECUTE FUNCTION cadenza_queue_old_key('cover_key');
CREATE TRIGGER albums_queue_cover_after_delete AFTER DELETE ON albums
  FOR EACH ROW WHEN (OLD.cover_key IS NOT NULL) EXECUTE FUNCTION cadenza_queue_old_key('cover_key');
-- A cover version that becomes current again must not be removed under it.
CREATE TRIGGER albums_keep_cover_after_set AFTER UPDATE OF cover_key ON albums
  FOR EACH ROW WHEN (NEW.cover_key IS NOT NULL) EXECUTE FUNCTION cadenza_keep_new_key('cover_key', 'exact');
)sql";

std::string SchemaV6() { return std::string(kSchema) + std::string(kTriggers); }

const std::string& SchemaV6Text() {
  static const std::string text = SchemaV6();
  return text;
}

// Popularity: how many plays the listening events counted for each track. Search ranks by it,
// browse orders top tracks by it; the events' consumers keep it.
constexpr std::string_view kV7PlayCounts = R"sql(
ALTER TABLE tracks ADD COLUMN play_count BIGINT NOT NULL DEFAULT 0 CHECK (play_count >= 0);
)sql";

// Listening events: the transactional outbox, each consumer's position, the play-throughs
// that count a play once, and the consumers' tables. seq comes from an identity column;
// appends serialize on an advisory lock (pg_event_outbox.cc) so that seq order is commit order.
constexpr std::string_view kV9EventOutbox = R"sql(
CREATE TABLE event_outbox (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_key TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  subject_id TEXT COLLATE "C" NOT NULL,
  position_ms BIGINT NOT NULL,
  occurred_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  attributes TEXT NOT NULL,
  published BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX event_outbox_unpublished ON event_outbox (seq) WHERE NOT published;

CREATE TABLE event_consumers (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  position BIGINT NOT NULL CHECK (position >= 0)
);

CREATE TABLE play_throughs (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  play_id TEXT COLLATE "C" NOT NULL,
  track_id TEXT COLLATE "C" NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  counted BOOLEAN NOT NULL DEFAULT FALSE,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, play_id)
);
CREATE INDEX play_throughs_track ON play_throughs (track_id);

CREATE TABLE user_track_plays (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  track_id TEXT COLLATE "C" NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  plays BIGINT NOT NULL CHECK (plays > 0),
  last_played_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, track_id)
);
CREATE INDEX user_track_plays_recent ON user_track_plays (user_id, last_played_at DESC, track_id);
CREATE INDEX user_track_plays_most
  ON user_track_plays (user_id, plays DESC, last_played_at DESC, track_id);
CREATE INDEX user_track_plays_track ON user_track_plays (track_id);

CREATE TABLE track_daily_plays (
  day BIGINT NOT NULL,
  track_id TEXT COLLATE "C" NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  plays BIGINT NOT NULL CHECK (plays > 0),
  PRIMARY KEY (day, track_id)
);
CREATE INDEX track_daily_plays_track ON track_daily_plays (track_id);

-- Browse: an artist's top tracks, new releases.
CREATE INDEX tracks_album_id_play_count ON tracks (album_id, play_count DESC);
CREATE INDEX albums_new_releases
  ON albums (release_date DESC NULLS LAST, created_at DESC, id DESC);
)sql";

// Deduplication for consumers of the streaming platform (Kafka), which may deliver an event
// twice: the events each consumer applied, by id, forgotten after a retention window.
constexpr char kV10ConsumedEvents[] = R"sql(
CREATE TABLE consumed_events (
  consumer TEXT COLLATE "C" NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL,
  consumed_at BIGINT NOT NULL,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX consumed_events_consumed_at ON consumed_events (consumed_at);
)sql";

// Retention (services/events/event_retention.h) deletes old outbox records and play-throughs
// in small batches; these indexes find them without scanning the tables.
constexpr char kV12EventRetention[] = R"sql(
CREATE INDEX event_outbox_recorded_at ON event_outbox (recorded_at);
CREATE INDEX play_throughs_started_at ON play_throughs (started_at);
)sql";

// Search reads the GIN indexes of the words at every query, and a GIN index's pending list
// (fastupdate, on by default) is read in full by each of them: a few megabytes of recent
// changes, play counts among them, cost milliseconds per query until a vacuum merges them.
// Without it, a change pays for its own index entries and queries never read a backlog.
constexpr char kV14SearchWithoutPendingList[] = R"sql(
ALTER INDEX track_search_words SET (fastupdate = off);
ALTER INDEX album_search_words SET (fastupdate = off);
ALTER INDEX artist_search_words SET (fastupdate = off);
ALTER INDEX playlist_search_words SET (fastupdate = off);
SELECT gin_clean_pending_list('track_search_words'::regclass);
SELECT gin_clean_pending_list('album_search_words'::regclass);
SELECT gin_clean_pending_list('artist_search_words'::regclass);
SELECT gin_clean_pending_list('playlist_search_words'::regclass);
)sql";

std::int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int ApplyPending(Connection& conn, std::span<const Migration> migrations, int latest) {
  conn.Exec("SELECT pg_advisory_xact_lock($1)", Params().Int(kMigrationLock));
  conn.Script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
  // Read after the lock: whoever held it has committed what it applied.
  std::int64_t newest = conn.Exec("SELECT COALESCE(max(version), 0) FROM schema_migrations")
                            .Int(0, 0);
  if (newest > latest) {
    throw std::runtime_error("the database schema is at version " + std::to_string(newest) +
                             ", newer than this release knows (" + std::to_string(latest) +
                             "); upgrade Cadenza");
  }
  // A migration may rewrite a large table: the connection's statement timeout is for requests.
  // SET LOCAL ends with the transaction, so the pooled connection keeps its timeout.
  conn.Script("SET LOCAL statement_timeout = 0");
  int ran = 0;
  for (const Migration& m : migrations) {
    bool applied =
        conn.Exec("SELECT 1 FROM schema_migrations WHERE version = $1", Params().Int(m.version))
            .Rows() > 0;
    if (applied) continue;
    conn.Script(m.sql);
    conn.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
              Params().Int(m.version).Int(NowMs()));
    ++ran;
  }
  return ran;
}

}  // namespace

std::span<const Migration> AllMigrations() {
  static const Migration kMigrations[] = {
      {6, "catalog schema (SQLite versions 1 to 6)", SchemaV6Text()},
      {7, "track play counts", kV7PlayCounts},
      {8, "full-text search index", SearchMigrationSql()},
      {9, "event outbox and listening statistics", kV9EventOutbox},
      {10, "consumed events of the streaming platform", kV10ConsumedEvents},
      {11, "search ranking columns and indexes", SearchRankMigrationSql()},
      {12, "indexes for the retention of event tables", kV12EventRetention},
      {13, "popularity window", PopularWindowMigrationSql()},
      {14, "search indexes without a pending list", kV14SearchWithoutPendingList},
  };
  return kMigrations;
}

int ApplyMigrations(Connection& conn, std::span<const Migration> migrations) {
  int latest = 0;
  for (const Migration& m : migrations) {
    if (m.version <= latest) throw std::logic_error("migrations must have increasing versions");
    latest = m.version;
  }
  conn.RollbackQuietly();
  // READ COMMITTED: each statement after the lock sees what the previous holder committed.
  conn.Script("BEGIN ISOLATION LEVEL READ COMMITTED");
  try {
    int ran = ApplyPending(conn, migrations, latest);
    conn.Script("COMMIT");
    return ran;
  } catch (...) {
    conn.RollbackQuietly();
    throw;
  }
}

}  // namespace cadenza::pg
