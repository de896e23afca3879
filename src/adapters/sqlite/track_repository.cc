#include <stdexcept>
#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, album_id, title, track_number, blob_key, blob_size, created_at, updated_at, "
    "status, progress, error, duration_ms, integrated_lufs, true_peak_db, gain_db, "
    "tag_title, tag_artist, tag_album, tag_date, tag_track_number "
    "FROM tracks ";

Track ReadTrack(const Statement& s) {
  Track track;
  track.id = s.ColumnText(0);
  track.album_id = s.ColumnText(1);
  track.title = s.ColumnText(2);
  if (auto number = s.ColumnOptionalInt(3)) track.track_number = static_cast<int>(*number);
  track.blob_key = s.ColumnText(4);
  track.blob_size = s.ColumnInt(5);
  track.created_at = s.ColumnInt(6);
  track.updated_at = s.ColumnInt(7);
  std::string status = s.ColumnText(8);
  auto parsed = ParseTrackStatus(status);
  // The schema's CHECK admits only the three names, so anything else is a corrupt file.
  if (!parsed) throw std::runtime_error("track " + track.id + " has unknown status " + status);
  track.status = *parsed;
  track.progress = s.ColumnDouble(9);
  track.error = s.ColumnOptionalText(10);
  track.duration_ms = s.ColumnOptionalInt(11);
  // The schema keeps the three loudness columns all NULL or all set.
  if (!s.ColumnIsNull(12)) {
    track.loudness = Loudness{s.ColumnDouble(12), s.ColumnDouble(13), s.ColumnDouble(14)};
  }
  track.tags.title = s.ColumnOptionalText(15);
  track.tags.artist = s.ColumnOptionalText(16);
  track.tags.album = s.ColumnOptionalText(17);
  track.tags.date = s.ColumnOptionalText(18);
  if (auto number = s.ColumnOptionalInt(19)) track.tags.track_number = static_cast<int>(*number);
  return track;
}

// Binds tag_title .. tag_track_number to the five parameters starting at `first`.
void BindTags(Statement& s, int first, const TrackTags& tags) {
  s.BindText(first, tags.title)
      .BindText(first + 1, tags.artist)
      .BindText(first + 2, tags.album)
      .BindText(first + 3, tags.date);
  if (tags.track_number) {
    s.BindInt(first + 4, static_cast<std::int64_t>(*tags.track_number));
  } else {
    s.BindNull(first + 4);
  }
}

// Binds status .. gain_db to the seven parameters starting at `first`.
void BindMediaFields(Statement& s, int first, const Track& track) {
  s.BindText(first, TrackStatusName(track.status))
      .BindDouble(first + 1, track.progress)
      .BindText(first + 2, track.error)
      .BindInt(first + 3, track.duration_ms);
  if (track.loudness) {
    s.BindDouble(first + 4, track.loudness->integrated_lufs)
        .BindDouble(first + 5, track.loudness->true_peak_db)
        .BindDouble(first + 6, track.loudness->gain_db);
  } else {
    s.BindNull(first + 4).BindNull(first + 5).BindNull(first + 6);
  }
}

}  // namespace

void SqliteTrackRepository::Insert(const Track& track) {
  auto insert = conn_.Prepare(
      "INSERT INTO tracks (id, album_id, title, track_number, blob_key, blob_size, created_at, "
      "updated_at, status, progress, error, duration_ms, integrated_lufs, true_peak_db, gain_db, "
      "tag_title, tag_artist, tag_album, tag_date, tag_track_number) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
      "?19, ?20)");
  insert->BindText(1, track.id)
      .BindText(2, track.album_id)
      .BindText(3, track.title)
      .BindInt(4, track.track_number)
      .BindText(5, track.blob_key)
      .BindInt(6, track.blob_size)
      .BindInt(7, track.created_at)
      .BindInt(8, track.updated_at);
  BindMediaFields(*insert, 9, track);
  BindTags(*insert, 16, track.tags);
  insert->Run();
}

std::optional<Track> SqliteTrackRepository::FindById(std::string_view id) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE id = ?1");
  query->BindText(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadTrack(*query);
}

void SqliteTrackRepository::Update(const Track& track) {
  // A changed blob_key queues the old one (trigger tracks_queue_blob_after_replace).
  auto update = conn_.Prepare(
      "UPDATE tracks SET album_id = ?2, title = ?3, track_number = ?4, blob_key = ?5, "
      "blob_size = ?6, updated_at = ?7, status = ?8, progress = ?9, error = ?10, "
      "duration_ms = ?11, integrated_lufs = ?12, true_peak_db = ?13, gain_db = ?14, "
      "tag_title = ?15, tag_artist = ?16, tag_album = ?17, tag_date = ?18, tag_track_number = ?19 "
      "WHERE id = ?1");
  update->BindText(1, track.id)
      .BindText(2, track.album_id)
      .BindText(3, track.title)
      .BindInt(4, track.track_number)
      .BindText(5, track.blob_key)
      .BindInt(6, track.blob_size)
      .BindInt(7, track.updated_at);
  BindMediaFields(*update, 8, track);
  BindTags(*update, 15, track.tags);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("track not found");
}

void SqliteTrackRepository::Delete(std::string_view id) {
  // Cascades to the track's renditions and segments; triggers queue every blob key involved.
  auto remove = conn_.Prepare("DELETE FROM tracks WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("track not found");
}

Page<Track> SqliteTrackRepository::List(const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE " + KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  return CollectPage<Track>(*query, page.limit, ReadTrack);
}

std::vector<Track> SqliteTrackRepository::ListByAlbum(std::string_view album_id) {
  auto query = conn_.Prepare(std::string(kSelect) +
                             "WHERE album_id = ?1 ORDER BY track_number ASC NULLS LAST, id");
  query->BindText(1, album_id);
  std::vector<Track> tracks;
  while (query->Step()) tracks.push_back(ReadTrack(*query));
  return tracks;
}

std::int64_t SqliteTrackRepository::StoredBytesOfOwner(std::string_view owner_user_id) {
  // A rendition's size_bytes covers its init and media segments, so segments are not added.
  auto query = conn_.Prepare(
      "WITH owned AS (SELECT tracks.id, tracks.blob_size FROM tracks "
      "  JOIN albums ON albums.id = tracks.album_id "
      "  JOIN artists ON artists.id = albums.artist_id "
      "  WHERE artists.owner_user_id = ?1) "
      "SELECT COALESCE((SELECT SUM(blob_size) FROM owned), 0) + "
      "COALESCE((SELECT SUM(renditions.size_bytes) FROM renditions "
      "  JOIN owned ON owned.id = renditions.track_id), 0)");
  query->BindText(1, owner_user_id);
  query->Step();
  return query->ColumnInt(0);
}

}  // namespace cadenza::sqlite
