#include "adapters/postgres/pg_search_migration.h"

#include <string>

namespace cadenza::pg {
namespace {

// The same normalisation as domain/search_text.h's FoldForSearch, which folds the queries:
// lower case and no diacritics (unaccent, ICU's lower case whatever the database's locale),
// apostrophes removed, each character of a script without spaces a word of its own, every
// other punctuation or symbol a separator, words joined by one space.
constexpr char kFold[] = R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION cadenza_fold(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT btrim(regexp_replace(regexp_replace(regexp_replace(translate(
    lower(unaccent('unaccent'::regdictionary, t) COLLATE "und-x-icu"), 'ςё', 'σе'),
    E'[''`\u00B4\u02BC\u2018\u2019\u2032\uFF07\u0300-\u036F\u200B-\u200D\u2060\uFEFF\uFE00-\uFE0F\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]', '', 'g'),
    E'([\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3005-\u3007\u3040-\u30FF\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003FFFF])', ' \1 ', 'g'),
    E'[\u0001-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u00BF\u00D7\u00F7\u02B0-\u02FF\u037E\u0387\u2000-\u2BFF\u2E00-\u2E7F\u3000-\u3004\u3008-\u303F\uFE10-\uFE6F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\uFFF0-\uFFFF\U0001F000-\U0001FAFF]+', ' ', 'g'))
$$;

-- Every word of at least four characters that a document ever held: the candidates for
-- typos. Words are never removed (a stale candidate only makes a query that matches nothing).
CREATE TABLE search_words (word TEXT COLLATE "C" NOT NULL PRIMARY KEY);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);
CREATE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
  SELECT DISTINCT w FROM unnest(string_to_array(NEW.doc, ' ')) AS w WHERE char_length(w) >= 4
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
)sql";

// One kind's documents, found through a trigram index on the document padded with spaces (so
// that ' word ' matches whole words, ' word' prefixes and ' 東 京 ' runs of characters).
std::string IndexTable(const std::string& kind) {
  return "CREATE TABLE " + kind + "_search (id TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, "
         "doc TEXT NOT NULL);\n"
         "CREATE INDEX " + kind + "_search_trgm ON " + kind +
         "_search USING gin ((' ' || doc || ' ') gin_trgm_ops);\n"
         "CREATE TRIGGER " + kind + "_search_words AFTER INSERT OR UPDATE OF doc ON " + kind +
         "_search FOR EACH ROW EXECUTE FUNCTION search_words_add();\n";
}

// The documents: as on SQLite (adapters/sqlite/search_migration.cc).
constexpr char kTriggers[] = R"sql(
CREATE FUNCTION tracks_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM track_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.title = NEW.title AND OLD.album_id = NEW.album_id
     AND OLD.status = NEW.status THEN
    RETURN NULL;
  END IF;
  DELETE FROM track_search WHERE id = NEW.id;
  INSERT INTO track_search (id, doc)
  SELECT NEW.id, cadenza_fold(NEW.title || ' ' || ar.name || ' ' || al.title)
  FROM albums al JOIN artists ar ON ar.id = al.artist_id
  WHERE al.id = NEW.album_id AND NEW.status = 'ready';
  RETURN NULL;
END $$;
CREATE TRIGGER tracks_search AFTER INSERT OR UPDATE OR DELETE ON tracks
FOR EACH ROW EXECUTE FUNCTION tracks_search_sync();

CREATE FUNCTION albums_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM album_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.title = NEW.title AND OLD.artist_id = NEW.artist_id THEN
    RETURN NULL;
  END IF;
  INSERT INTO album_search (id, doc)
  SELECT NEW.id, cadenza_fold(NEW.title || ' ' || ar.name) FROM artists ar
  WHERE ar.id = NEW.artist_id
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
  IF TG_OP = 'UPDATE' THEN
    UPDATE track_search s SET doc = cadenza_fold(t.title || ' ' || ar.name || ' ' || NEW.title)
    FROM tracks t, artists ar
    WHERE t.album_id = NEW.id AND s.id = t.id AND ar.id = NEW.artist_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER albums_search AFTER INSERT OR UPDATE OR DELETE ON albums
FOR EACH ROW EXECUTE FUNCTION albums_search_sync();

CREATE FUNCTION artists_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM artist_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.name = NEW.name THEN
    RETURN NULL;
  END IF;
  INSERT INTO artist_search (id, doc) VALUES (NEW.id, cadenza_fold(NEW.name))
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
  IF TG_OP = 'UPDATE' THEN
    UPDATE album_search s SET doc = cadenza_fold(al.title || ' ' || NEW.name)
    FROM albums al WHERE al.artist_id = NEW.id AND s.id = al.id;
    UPDATE track_search s SET doc = cadenza_fold(t.title || ' ' || NEW.name || ' ' || al.title)
    FROM tracks t JOIN albums al ON al.id = t.album_id
    WHERE al.artist_id = NEW.id AND s.id = t.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER artists_search AFTER INSERT OR UPDATE OR DELETE ON artists
FOR EACH ROW EXECUTE FUNCTION artists_search_sync();

CREATE FUNCTION playlists_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM playlist_search WHERE id = OLD.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.name = NEW.name THEN
    RETURN NULL;
  END IF;
  INSERT INTO playlist_search (id, doc) VALUES (NEW.id, cadenza_fold(NEW.name))
  ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
  RETURN NULL;
END $$;
CREATE TRIGGER playlists_search AFTER INSERT OR UPDATE OR DELETE ON playlists
FOR EACH ROW EXECUTE FUNCTION playlists_search_sync();

-- What the catalogue held before this version.
INSERT INTO artist_search (id, doc) SELECT id, cadenza_fold(name) FROM artists;
INSERT INTO album_search (id, doc)
SELECT al.id, cadenza_fold(al.title || ' ' || ar.name)
FROM albums al JOIN artists ar ON ar.id = al.artist_id;
INSERT INTO track_search (id, doc)
SELECT t.id, cadenza_fold(t.title || ' ' || ar.name || ' ' || al.title)
FROM tracks t JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.artist_id
WHERE t.status = 'ready';
INSERT INTO playlist_search (id, doc) SELECT id, cadenza_fold(name) FROM playlists;
)sql";

}  // namespace

std::string_view SearchMigrationSql() {
  static const std::string kSql = kFold + IndexTable("track") + IndexTable("album") +
                                  IndexTable("artist") + IndexTable("playlist") + kTriggers;
  return kSql;
}

}  // namespace cadenza::pg
