#include "adapters/sqlite/search_migration.h"

#include <string>

namespace cadenza::sqlite {
namespace {

// Tracks are ranked on their documents alone, without reading the tracks table for every match:
// the documents copy what ranking needs (tracks_search_plays keeps plays current).
constexpr char kTrackRankColumns[] =
    ",\n  plays INTEGER NOT NULL,\n  created INTEGER NOT NULL";

// One kind's index: a table of folded documents keyed by an integer of its own (rowids of the
// entity tables may change on VACUUM, this key never does) and an FTS5 index over it
// (external content: the words are stored once). Documents are only inserted and deleted.
std::string IndexTables(const std::string& kind, const std::string& extra_columns = {}) {
  return "CREATE TABLE " + kind + "_search (\n"
         "  doc_id INTEGER PRIMARY KEY,\n"
         "  id TEXT NOT NULL UNIQUE,\n"
         "  doc TEXT NOT NULL" + extra_columns + "\n"
         ") STRICT;\n"
         "CREATE VIRTUAL TABLE " + kind + "_search_fts USING fts5(doc, content='" + kind +
         "_search', content_rowid='doc_id', tokenize='unicode61 remove_diacritics 2', "
         "prefix='2 3');\n"
         "CREATE TRIGGER " + kind + "_search_after_insert AFTER INSERT ON " + kind +
         "_search BEGIN\n"
         "  INSERT INTO " + kind + "_search_fts (rowid, doc) VALUES (new.doc_id, new.doc);\n"
         "  INSERT OR IGNORE INTO search_words (word, chars)\n"
         "  SELECT value, length(value) FROM json_each(cadenza_words_json(new.doc))\n"
         "  WHERE length(value) >= 4;\n"
         "END;\n"
         "CREATE TRIGGER " + kind + "_search_after_delete AFTER DELETE ON " + kind +
         "_search BEGIN\n"
         "  INSERT INTO " + kind + "_search_fts (" + kind +
         "_search_fts, rowid, doc) VALUES ('delete', old.doc_id, old.doc);\n"
         "END;\n";
}

// Every word of at least four characters that a document ever held, by length: the candidates
// for typos. Words are never removed (a stale candidate only makes a query that matches nothing).
constexpr char kWords[] = R"sql(
CREATE TABLE search_words (
  word TEXT NOT NULL PRIMARY KEY,
  chars INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX search_words_chars ON search_words (chars, word);
)sql";

// The documents: a track is its title, artist name and album title (ready tracks only); an
// album its title and artist name; an artist its name; a playlist its name. Renaming an
// artist or album rewrites the documents that contain its name in the same statement.
constexpr char kTriggers[] = R"sql(
CREATE TRIGGER tracks_search_after_insert AFTER INSERT ON tracks WHEN new.status = 'ready'
BEGIN
  INSERT INTO track_search (id, doc, plays, created)
  SELECT new.id, cadenza_fold(new.title || ' ' || artists.name || ' ' || albums.title),
    new.play_count, new.created_at
  FROM albums JOIN artists ON artists.id = albums.artist_id WHERE albums.id = new.album_id;
END;
CREATE TRIGGER tracks_search_after_update AFTER UPDATE OF title, album_id, status ON tracks
WHEN old.title IS NOT new.title OR old.album_id IS NOT new.album_id
  OR old.status IS NOT new.status
BEGIN
  DELETE FROM track_search WHERE id = old.id;
  INSERT INTO track_search (id, doc, plays, created)
  SELECT new.id, cadenza_fold(new.title || ' ' || artists.name || ' ' || albums.title),
    new.play_count, new.created_at
  FROM albums JOIN artists ON artists.id = albums.artist_id
  WHERE albums.id = new.album_id AND new.status = 'ready';
END;
CREATE TRIGGER tracks_search_plays AFTER UPDATE OF play_count, created_at ON tracks
WHEN old.play_count IS NOT new.play_count OR old.created_at IS NOT new.created_at
BEGIN
  UPDATE track_search SET plays = new.play_count, created = new.created_at WHERE id = new.id;
END;
CREATE TRIGGER tracks_search_after_delete AFTER DELETE ON tracks
BEGIN
  DELETE FROM track_search WHERE id = old.id;
END;

CREATE TRIGGER albums_search_after_insert AFTER INSERT ON albums
BEGIN
  INSERT INTO album_search (id, doc)
  SELECT new.id, cadenza_fold(new.title || ' ' || artists.name)
  FROM artists WHERE artists.id = new.artist_id;
END;
CREATE TRIGGER albums_search_after_update AFTER UPDATE OF title, artist_id ON albums
WHEN old.title IS NOT new.title OR old.artist_id IS NOT new.artist_id
BEGIN
  DELETE FROM album_search WHERE id = old.id;
  INSERT INTO album_search (id, doc)
  SELECT new.id, cadenza_fold(new.title || ' ' || artists.name)
  FROM artists WHERE artists.id = new.artist_id;
  DELETE FROM track_search WHERE id IN (SELECT id FROM tracks WHERE album_id = new.id);
  INSERT INTO track_search (id, doc, plays, created)
  SELECT tracks.id, cadenza_fold(tracks.title || ' ' || artists.name || ' ' || new.title),
    tracks.play_count, tracks.created_at
  FROM tracks, artists
  WHERE tracks.album_id = new.id AND tracks.status = 'ready' AND artists.id = new.artist_id;
END;
CREATE TRIGGER albums_search_after_delete AFTER DELETE ON albums
BEGIN
  DELETE FROM album_search WHERE id = old.id;
END;

CREATE TRIGGER artists_search_after_insert AFTER INSERT ON artists
BEGIN
  INSERT INTO artist_search (id, doc) VALUES (new.id, cadenza_fold(new.name));
END;
CREATE TRIGGER artists_search_after_update AFTER UPDATE OF name ON artists
WHEN old.name IS NOT new.name
BEGIN
  DELETE FROM artist_search WHERE id = old.id;
  INSERT INTO artist_search (id, doc) VALUES (new.id, cadenza_fold(new.name));
  DELETE FROM album_search WHERE id IN (SELECT id FROM albums WHERE artist_id = new.id);
  INSERT INTO album_search (id, doc)
  SELECT id, cadenza_fold(title || ' ' || new.name) FROM albums WHERE artist_id = new.id;
  DELETE FROM track_search WHERE id IN (
    SELECT tracks.id FROM tracks JOIN albums ON albums.id = tracks.album_id
    WHERE albums.artist_id = new.id);
  INSERT INTO track_search (id, doc, plays, created)
  SELECT tracks.id, cadenza_fold(tracks.title || ' ' || new.name || ' ' || albums.title),
    tracks.play_count, tracks.created_at
  FROM tracks JOIN albums ON albums.id = tracks.album_id
  WHERE albums.artist_id = new.id AND tracks.status = 'ready';
END;
CREATE TRIGGER artists_search_after_delete AFTER DELETE ON artists
BEGIN
  DELETE FROM artist_search WHERE id = old.id;
END;

CREATE TRIGGER playlists_search_after_insert AFTER INSERT ON playlists
BEGIN
  INSERT INTO playlist_search (id, doc) VALUES (new.id, cadenza_fold(new.name));
END;
CREATE TRIGGER playlists_search_after_update AFTER UPDATE OF name ON playlists
WHEN old.name IS NOT new.name
BEGIN
  DELETE FROM playlist_search WHERE id = old.id;
  INSERT INTO playlist_search (id, doc) VALUES (new.id, cadenza_fold(new.name));
END;
CREATE TRIGGER playlists_search_after_delete AFTER DELETE ON playlists
BEGIN
  DELETE FROM playlist_search WHERE id = old.id;
END;

-- What the catalogue held before this version.
INSERT INTO artist_search (id, doc) SELECT id, cadenza_fold(name) FROM artists;
INSERT INTO album_search (id, doc)
SELECT albums.id, cadenza_fold(albums.title || ' ' || artists.name)
FROM albums JOIN artists ON artists.id = albums.artist_id;
INSERT INTO track_search (id, doc, plays, created)
SELECT tracks.id, cadenza_fold(tracks.title || ' ' || artists.name || ' ' || albums.title),
  tracks.play_count, tracks.created_at
FROM tracks JOIN albums ON albums.id = tracks.album_id
JOIN artists ON artists.id = albums.artist_id WHERE tracks.status = 'ready';
INSERT INTO playlist_search (id, doc) SELECT id, cadenza_fold(name) FROM playlists;
)sql";

}  // namespace

std::string_view SearchMigrationSql() {
  static const std::string kSql = kWords + IndexTables("track", kTrackRankColumns) + IndexTables("album") +
                                  IndexTables("artist") + IndexTables("playlist") + kTriggers;
  return kSql;
}

}  // namespace cadenza::sqlite
