#include "adapters/postgres/pg_search_rank_migration.h"

#include <string>

namespace cadenza::pg {
namespace {

// Words of a document, as version 8 indexed them, and every pair of neighbouring characters
// of a script without spaces as one more word ("東 京 都" also holds 東京 and 京都): a
// substring of two characters or more is then a few exact words, not every document holding
// each of its characters. A character of such a script is a word of one character of the
// class that cadenza_fold (pg_search_migration.cc) puts spaces around.
constexpr char kWords[] = R"sql(
CREATE FUNCTION cadenza_words(doc TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(w || ARRAY(
    SELECT w[i] || w[i + 1] FROM generate_series(1, cardinality(w) - 1) AS i
    WHERE w[i] ~ E'^[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3005-\u3007\u3040-\u30FF\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003FFFF]$' AND w[i + 1] ~ E'^[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3005-\u3007\u3040-\u30FF\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003FFFF]$'))
  FROM string_to_array(doc, ' ') AS w
$$;
)sql";

// Each kind's words again (with the pairs), and a copy that fits in a btree entry (NULL for
// the rare long document, whose words the query reads from the table instead).
std::string RankColumns(const std::string& kind, bool with_plays) {
  const std::string table = kind + "_search";
  return "ALTER TABLE " + table + " DROP COLUMN words;\n"
         "ALTER TABLE " + table + " ADD COLUMN words tsvector GENERATED ALWAYS AS "
         "(cadenza_words(doc)) STORED, " +
         (with_plays ? "ADD COLUMN plays BIGINT NOT NULL DEFAULT 0, "
                       "ADD COLUMN created BIGINT NOT NULL DEFAULT 0, "
                     : "") +
         "ADD COLUMN rank_words tsvector GENERATED ALWAYS AS (CASE WHEN octet_length(doc) <= " +
         std::to_string(kMaxRankedDocBytes) + " THEN cadenza_words(doc) END) STORED;\n"
         "CREATE INDEX " + table + "_words ON " + table + " USING gin (words);\n";
}

// The best-ranked documents first, with their words: a query walks this index alone.
std::string RankIndex(const std::string& kind) {
  return "CREATE INDEX " + kind + "_search_by_rank ON " + kind +
         "_search (plays DESC, created DESC, id) INCLUDE (rank_words);\n";
}

// What the catalogue held before this version: albums count all their tracks' plays (whatever
// their status), artists all their albums'.
constexpr char kBackfill[] = R"sql(
UPDATE album_search s SET created = al.created_at, plays = COALESCE(p.plays, 0)
FROM albums al
LEFT JOIN (SELECT album_id, SUM(play_count) AS plays FROM tracks GROUP BY album_id) p
  ON p.album_id = al.id
WHERE s.id = al.id;
UPDATE artist_search s SET created = ar.created_at, plays = COALESCE(p.plays, 0)
FROM artists ar
LEFT JOIN (SELECT al.artist_id, SUM(t.play_count) AS plays
           FROM albums al JOIN tracks t ON t.album_id = al.id GROUP BY al.artist_id) p
  ON p.artist_id = ar.id
WHERE s.id = ar.id;
UPDATE playlist_search s SET created = p.created_at FROM playlists p WHERE s.id = p.id;
)sql";

// Plays move by deltas: counting a play updates one row of each kind, whatever the album's or
// artist's size. A track whose album is already gone (a cascade deleting the album first)
// changes no artist: the album's own trigger recounts the artist.
constexpr char kPlaysTriggers[] = R"sql(
CREATE FUNCTION search_plays_add(album TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta = 0 THEN
    RETURN;
  END IF;
  UPDATE album_search SET plays = plays + delta WHERE id = album;
  UPDATE artist_search s SET plays = s.plays + delta
  FROM albums al WHERE al.id = album AND s.id = al.artist_id;
END $$;

CREATE FUNCTION tracks_search_plays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.album_id = NEW.album_id THEN
    PERFORM search_plays_add(NEW.album_id, NEW.play_count - OLD.play_count);
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM search_plays_add(OLD.album_id, -OLD.play_count);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM search_plays_add(NEW.album_id, NEW.play_count);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tracks_search_plays AFTER INSERT OR UPDATE OF play_count, album_id OR DELETE
ON tracks FOR EACH ROW EXECUTE FUNCTION tracks_search_plays();

-- As in version 8, and: created copied, an album's plays moved along with it to another
-- artist, and a deleted album's artist recounted from the albums left (its tracks may be
-- deleted before or after it in a cascade; a recount is right in either order).
CREATE OR REPLACE FUNCTION albums_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved BIGINT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM album_search WHERE id = OLD.id;
    UPDATE artist_search SET plays = (
      SELECT COALESCE(SUM(t.play_count), 0) FROM albums al JOIN tracks t ON t.album_id = al.id
      WHERE al.artist_id = OLD.artist_id)
    WHERE id = OLD.artist_id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.artist_id <> NEW.artist_id THEN
    SELECT COALESCE(SUM(play_count), 0) INTO moved FROM tracks WHERE album_id = NEW.id;
    UPDATE artist_search SET plays = plays - moved WHERE id = OLD.artist_id;
    UPDATE artist_search SET plays = plays + moved WHERE id = NEW.artist_id;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.title = NEW.title AND OLD.artist_id = NEW.artist_id THEN
    IF OLD.created_at <> NEW.created_at THEN
      UPDATE album_search SET created = NEW.created_at WHERE id = NEW.id;
    END IF;
    RETURN NULL;
  END IF;
  INSERT INTO album_search (id, doc, created)
  SELECT NEW.id, cadenza_fold(NEW.title || ' ' || ar.name), NEW.created_at FROM artists ar
  WHERE ar.id = NEW.artist_id
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, created = EXCLUDED.created;
  IF TG_OP = 'UPDATE' THEN
    UPDATE track_search s SET doc = cadenza_fold(t.title || ' ' || ar.name || ' ' || NEW.title)
    FROM tracks t, artists ar
    WHERE t.album_id = NEW.id AND s.id = t.id AND ar.id = NEW.artist_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION artists_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM artist_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.name = NEW.name THEN
    IF OLD.created_at <> NEW.created_at THEN
      UPDATE artist_search SET created = NEW.created_at WHERE id = NEW.id;
    END IF;
    RETURN NULL;
  END IF;
  INSERT INTO artist_search (id, doc, created)
  VALUES (NEW.id, cadenza_fold(NEW.name), NEW.created_at)
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, created = EXCLUDED.created;
  IF TG_OP = 'UPDATE' THEN
    UPDATE album_search s SET doc = cadenza_fold(al.title || ' ' || NEW.name)
    FROM albums al WHERE al.artist_id = NEW.id AND s.id = al.id;
    UPDATE track_search s SET doc = cadenza_fold(t.title || ' ' || NEW.name || ' ' || al.title)
    FROM tracks t JOIN albums al ON al.id = t.album_id
    WHERE al.artist_id = NEW.id AND s.id = t.id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION playlists_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM playlist_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.name = NEW.name THEN
    IF OLD.created_at <> NEW.created_at THEN
      UPDATE playlist_search SET created = NEW.created_at WHERE id = NEW.id;
    END IF;
    RETURN NULL;
  END IF;
  INSERT INTO playlist_search (id, doc, created)
  VALUES (NEW.id, cadenza_fold(NEW.name), NEW.created_at)
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, created = EXCLUDED.created;
  RETURN NULL;
END $$;
)sql";

}  // namespace

std::string_view SearchRankMigrationSql() {
  static const std::string kSql = kWords + RankColumns("track", false) + RankColumns("album", true) +
                                  RankColumns("artist", true) + RankColumns("playlist", true) +
                                  kBackfill + kPlaysTriggers + RankIndex("track") +
                                  RankIndex("album") + RankIndex("artist") +
                                  RankIndex("playlist");
  return kSql;
}

}  // namespace cadenza::pg
