#include "adapters/sqlite/search_rank_migration.h"

#include <string>
#include <utility>

#include "domain/search_rank.h"

namespace cadenza::sqlite {
namespace {

const char* const kKinds[] = {"track", "album", "artist", "playlist"};

std::string Replaced(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Migration 8's index, dropped whole: its documents are keyed in insertion order.
constexpr char kDropOld[] = R"sql(
DROP TRIGGER tracks_search_after_insert;
DROP TRIGGER tracks_search_after_update;
DROP TRIGGER tracks_search_plays;
DROP TRIGGER tracks_search_after_delete;
DROP TRIGGER albums_search_after_insert;
DROP TRIGGER albums_search_after_update;
DROP TRIGGER albums_search_after_delete;
DROP TRIGGER artists_search_after_insert;
DROP TRIGGER artists_search_after_update;
DROP TRIGGER artists_search_after_delete;
DROP TRIGGER playlists_search_after_insert;
DROP TRIGGER playlists_search_after_update;
DROP TRIGGER playlists_search_after_delete;
)sql";

// One kind's documents, keyed by rank (domain/search_rank.h): FTS5 returns matches in key
// order, most plays first, so a search reads a page of matches instead of all of them. A
// document's key moves when its plays change level; its words are rewritten in place.
// The one-character prefix index serves the first letter typed.
constexpr char kKindTables[] = R"sql(
DROP TABLE {k}_search_fts;
DROP TABLE {k}_search;
CREATE TABLE {k}_search (
  doc_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  plays INTEGER NOT NULL,
  created INTEGER NOT NULL
) STRICT;
CREATE VIRTUAL TABLE {k}_search_fts USING fts5(doc, content='{k}_search', content_rowid='doc_id',
  tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER {k}_search_after_insert AFTER INSERT ON {k}_search BEGIN
  INSERT INTO {k}_search_fts (rowid, doc) VALUES (new.doc_id, new.doc);
  INSERT OR IGNORE INTO search_words (word, chars)
  SELECT value, length(value) FROM json_each(cadenza_words_json(new.doc)) WHERE length(value) >= 4;
END;
CREATE TRIGGER {k}_search_after_delete AFTER DELETE ON {k}_search BEGIN
  INSERT INTO {k}_search_fts ({k}_search_fts, rowid, doc) VALUES ('delete', old.doc_id, old.doc);
END;
CREATE TRIGGER {k}_search_after_change AFTER UPDATE OF doc_id, doc ON {k}_search
WHEN old.doc_id != new.doc_id OR old.doc != new.doc
BEGIN
  INSERT INTO {k}_search_fts ({k}_search_fts, rowid, doc) VALUES ('delete', old.doc_id, old.doc);
  INSERT INTO {k}_search_fts (rowid, doc) VALUES (new.doc_id, new.doc);
  INSERT OR IGNORE INTO search_words (word, chars)
  SELECT value, length(value) FROM json_each(cadenza_words_json(new.doc)) WHERE length(value) >= 4;
END;
CREATE TRIGGER {k}_search_after_rank AFTER UPDATE OF plays, created ON {k}_search
WHEN cadenza_search_rank(new.plays, new.created) != cadenza_search_rank(old.plays, old.created)
BEGIN
  UPDATE {k}_search SET doc_id = {slot:{k}:new.plays:new.created} WHERE doc_id = new.doc_id;
END;
)sql";

// The documents: a track is its title, artist name and album title (ready tracks only); an
// album its title and artist name; an artist its name; a playlist its name. Albums and
// artists rank by their tracks' plays added up (all tracks, ready or not), kept by deltas.
// A reference to a missing row keeps the old words: the statement fails on its foreign key.
constexpr char kTrackInsert[] = R"sql(
  INSERT INTO track_search (doc_id, id, doc, plays, created)
  SELECT {slot:track:new.play_count:new.created_at}, new.id,
    cadenza_fold(new.title || ' ' || artists.name || ' ' || albums.title),
    new.play_count, new.created_at
  FROM albums JOIN artists ON artists.id = albums.artist_id WHERE albums.id = new.album_id;)sql";

constexpr char kTrackTriggers[] = R"sql(
CREATE TRIGGER tracks_search_after_insert AFTER INSERT ON tracks WHEN new.status = 'ready'
BEGIN
{track_insert}
END;
CREATE TRIGGER tracks_search_after_ready AFTER UPDATE OF status ON tracks
WHEN new.status = 'ready' AND old.status IS NOT 'ready'
BEGIN
{track_insert}
END;
CREATE TRIGGER tracks_search_after_unready AFTER UPDATE OF status ON tracks
WHEN old.status = 'ready' AND new.status IS NOT 'ready'
BEGIN
  DELETE FROM track_search WHERE id = old.id;
END;
CREATE TRIGGER tracks_search_after_rename AFTER UPDATE OF title, album_id ON tracks
WHEN old.title IS NOT new.title OR old.album_id IS NOT new.album_id
BEGIN
  UPDATE track_search SET doc = COALESCE((
    SELECT cadenza_fold(new.title || ' ' || artists.name || ' ' || albums.title)
    FROM albums JOIN artists ON artists.id = albums.artist_id WHERE albums.id = new.album_id), doc)
  WHERE id = new.id;
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

CREATE TRIGGER tracks_plays_after_insert AFTER INSERT ON tracks WHEN new.play_count != 0
BEGIN
  UPDATE album_search SET plays = plays + new.play_count WHERE id = new.album_id;
  UPDATE artist_search SET plays = plays + new.play_count
  WHERE id = (SELECT artist_id FROM albums WHERE id = new.album_id);
END;
CREATE TRIGGER tracks_plays_counted AFTER UPDATE OF play_count ON tracks
WHEN old.play_count != new.play_count AND old.album_id IS new.album_id
BEGIN
  UPDATE album_search SET plays = plays + new.play_count - old.play_count WHERE id = new.album_id;
  UPDATE artist_search SET plays = plays + new.play_count - old.play_count
  WHERE id = (SELECT artist_id FROM albums WHERE id = new.album_id);
END;
CREATE TRIGGER tracks_plays_moved AFTER UPDATE OF album_id ON tracks
WHEN old.album_id IS NOT new.album_id
BEGIN
  UPDATE album_search SET plays = plays - old.play_count WHERE id = old.album_id;
  UPDATE artist_search SET plays = plays - old.play_count
  WHERE id = (SELECT artist_id FROM albums WHERE id = old.album_id);
  UPDATE album_search SET plays = plays + new.play_count WHERE id = new.album_id;
  UPDATE artist_search SET plays = plays + new.play_count
  WHERE id = (SELECT artist_id FROM albums WHERE id = new.album_id);
END;
-- A track deleted with its album (a cascade) finds no album: albums_search_after_delete
-- then counts the artist's plays again.
CREATE TRIGGER tracks_plays_after_delete AFTER DELETE ON tracks WHEN old.play_count != 0
BEGIN
  UPDATE album_search SET plays = plays - old.play_count WHERE id = old.album_id;
  UPDATE artist_search SET plays = plays - old.play_count
  WHERE id = (SELECT artist_id FROM albums WHERE id = old.album_id);
END;
)sql";

constexpr char kAlbumTriggers[] = R"sql(
CREATE TRIGGER albums_search_after_insert AFTER INSERT ON albums
BEGIN
  INSERT INTO album_search (doc_id, id, doc, plays, created)
  SELECT {slot:album:0:new.created_at}, new.id, cadenza_fold(new.title || ' ' || artists.name), 0,
    new.created_at
  FROM artists WHERE artists.id = new.artist_id;
END;
CREATE TRIGGER albums_search_after_update AFTER UPDATE OF title, artist_id ON albums
WHEN old.title IS NOT new.title OR old.artist_id IS NOT new.artist_id
BEGIN
  UPDATE album_search SET doc = COALESCE((
    SELECT cadenza_fold(new.title || ' ' || name) FROM artists WHERE id = new.artist_id), doc)
  WHERE id = new.id;
  UPDATE track_search SET doc = COALESCE((
    SELECT cadenza_fold(t.title || ' ' || ar.name || ' ' || new.title)
    FROM tracks t, artists ar WHERE t.id = track_search.id AND ar.id = new.artist_id), doc)
  WHERE id IN (SELECT id FROM tracks WHERE album_id = new.id);
END;
CREATE TRIGGER albums_plays_moved AFTER UPDATE OF artist_id ON albums
WHEN old.artist_id IS NOT new.artist_id
BEGIN
  UPDATE artist_search SET plays = plays - (
    SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = new.id)
  WHERE id = old.artist_id;
  UPDATE artist_search SET plays = plays + (
    SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = new.id)
  WHERE id = new.artist_id;
END;
CREATE TRIGGER albums_search_after_delete AFTER DELETE ON albums
BEGIN
  DELETE FROM album_search WHERE id = old.id;
  UPDATE artist_search SET plays = (
    SELECT COALESCE(SUM(t.play_count), 0) FROM albums a JOIN tracks t ON t.album_id = a.id
    WHERE a.artist_id = old.artist_id)
  WHERE id = old.artist_id;
END;

)sql";

// Artists and playlists: a document of one name, plays kept for artists by the track triggers.
constexpr char kNamedTriggers[] = R"sql(
CREATE TRIGGER {table}_search_after_insert AFTER INSERT ON {table}
BEGIN
  INSERT INTO {k}_search (doc_id, id, doc, plays, created)
  VALUES ({slot:{k}:0:new.created_at}, new.id, cadenza_fold(new.name), 0, new.created_at);
END;
CREATE TRIGGER {table}_search_after_update AFTER UPDATE OF name ON {table}
WHEN old.name IS NOT new.name
BEGIN
  UPDATE {k}_search SET doc = cadenza_fold(new.name) WHERE id = new.id;{rename_more}
END;
CREATE TRIGGER {table}_search_after_delete AFTER DELETE ON {table}
BEGIN
  DELETE FROM {k}_search WHERE id = old.id;
END;
)sql";

// An artist's name is in its albums' and tracks' documents too.
constexpr char kArtistRenameMore[] = R"sql(
  UPDATE album_search SET doc = (
    SELECT cadenza_fold(title || ' ' || new.name) FROM albums WHERE albums.id = album_search.id)
  WHERE id IN (SELECT id FROM albums WHERE artist_id = new.id);
  UPDATE track_search SET doc = (
    SELECT cadenza_fold(t.title || ' ' || new.name || ' ' || al.title)
    FROM tracks t JOIN albums al ON al.id = t.album_id WHERE t.id = track_search.id)
  WHERE id IN (SELECT t.id FROM tracks t JOIN albums al ON al.id = t.album_id
               WHERE al.artist_id = new.id);)sql";

// What the catalogue held before this version: keys numbered within each base, since the
// tables start empty.
constexpr char kFill[] = R"sql(
INSERT INTO {k}_search (doc_id, id, doc, plays, created)
SELECT cadenza_search_rank(plays, created)
    + ROW_NUMBER() OVER (PARTITION BY cadenza_search_rank(plays, created) ORDER BY id) - 1,
  id, doc, plays, created
FROM ({rows});
)sql";

constexpr char kTrackRows[] =
    "SELECT t.id, cadenza_fold(t.title || ' ' || ar.name || ' ' || al.title) AS doc, "
    "t.play_count AS plays, t.created_at AS created FROM tracks t "
    "JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.artist_id "
    "WHERE t.status = 'ready'";
constexpr char kAlbumRows[] =
    "SELECT al.id, cadenza_fold(al.title || ' ' || ar.name) AS doc, "
    "(SELECT COALESCE(SUM(play_count), 0) FROM tracks WHERE album_id = al.id) AS plays, "
    "al.created_at AS created FROM albums al JOIN artists ar ON ar.id = al.artist_id";
constexpr char kArtistRows[] =
    "SELECT ar.id, cadenza_fold(ar.name) AS doc, (SELECT COALESCE(SUM(t.play_count), 0) "
    "FROM albums al JOIN tracks t ON t.album_id = al.id WHERE al.artist_id = ar.id) AS plays, "
    "ar.created_at AS created FROM artists ar";
constexpr char kPlaylistRows[] =
    "SELECT id, cadenza_fold(name) AS doc, 0 AS plays, created_at AS created FROM playlists";

// {slot:KIND:PLAYS:CREATED}: the first free key of the base of PLAYS and CREATED.
std::string ExpandSlots(std::string sql) {
  for (auto at = sql.find("{slot:"); at != std::string::npos; at = sql.find("{slot:", at)) {
    auto end = sql.find('}', at);
    std::string spec = sql.substr(at + 6, end - at - 6);
    auto first = spec.find(':');
    auto second = spec.find(':', first + 1);
    std::string kind = spec.substr(0, first);
    std::string base = "cadenza_search_rank(" + spec.substr(first + 1, second - first - 1) + ", " +
                       spec.substr(second + 1) + ")";
    std::string slot = "(SELECT COALESCE(MAX(doc_id) + 1, ";
    slot += base;
    slot += ") FROM ";
    slot += kind;
    slot += "_search WHERE doc_id BETWEEN ";
    slot += base;
    slot += " AND ";
    slot += base;
    slot += " + ";
    slot += std::to_string(kSearchRankSlots - 1);
    slot += ")";
    sql.replace(at, end + 1 - at, slot);
  }
  return sql;
}

}  // namespace

std::string_view SearchRankMigrationSql() {
  static const std::string kSql = [] {
    std::string sql = kDropOld;
    for (const char* kind : kKinds) sql += Replaced(kKindTables, "{k}", kind);
    sql += Replaced(kTrackTriggers, "{track_insert}", kTrackInsert);
    sql += kAlbumTriggers;
    std::string artists = Replaced(kNamedTriggers, "{rename_more}", kArtistRenameMore);
    sql += Replaced(Replaced(artists, "{table}", "artists"), "{k}", "artist");
    std::string playlists = Replaced(kNamedTriggers, "{rename_more}", "");
    sql += Replaced(Replaced(playlists, "{table}", "playlists"), "{k}", "playlist");
    const std::pair<const char*, const char*> fills[] = {
        {"artist", kArtistRows}, {"album", kAlbumRows}, {"track", kTrackRows},
        {"playlist", kPlaylistRows}};
    for (const auto& [kind, rows] : fills) {
      sql += Replaced(Replaced(kFill, "{k}", kind), "{rows}", rows);
    }
    return ExpandSlots(std::move(sql));
  }();
  return kSql;
}

}  // namespace cadenza::sqlite
