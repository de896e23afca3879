#include <stdexcept>
#include <string>

#include "adapters/postgres/pg_paging.h"
#include "adapters/postgres/pg_repositories.h"
#include "domain/error.h"

namespace cadenza::pg {
namespace {

constexpr char kAlbumSelect[] =
    "SELECT id, artist_id, title, release_date, created_at, updated_at, cover_key, cover_max_px "
    "FROM albums ";

Album ReadAlbum(const Result& r, int row) {
  Album album;
  album.id = r.Text(row, 0);
  album.artist_id = r.Text(row, 1);
  album.title = r.Text(row, 2);
  album.release_date = r.OptionalText(row, 3);
  album.created_at = r.Int(row, 4);
  album.updated_at = r.Int(row, 5);
  album.cover_key = r.OptionalText(row, 6);
  album.cover_max_px = album.cover_key ? static_cast<int>(r.Int(row, 7)) : 0;
  return album;
}

Params& AddCover(Params& params, const Album& album) {
  params.Text(album.cover_key);
  return album.cover_key ? params.Int(album.cover_max_px) : params.Null();
}

constexpr char kTrackSelect[] =
    "SELECT id, album_id, title, track_number, blob_key, blob_size, created_at, updated_at, "
    "status, progress, error, duration_ms, integrated_lufs, true_peak_db, gain_db, "
    "tag_title, tag_artist, tag_album, tag_date, tag_track_number FROM tracks ";

Track ReadTrack(const Result& r, int row) {
  Track track;
  track.id = r.Text(row, 0);
  track.album_id = r.Text(row, 1);
  track.title = r.Text(row, 2);
  if (auto number = r.OptionalInt(row, 3)) track.track_number = static_cast<int>(*number);
  track.blob_key = r.Text(row, 4);
  track.blob_size = r.Int(row, 5);
  track.created_at = r.Int(row, 6);
  track.updated_at = r.Int(row, 7);
  std::string status = r.Text(row, 8);
  auto parsed = ParseTrackStatus(status);
  if (!parsed) throw std::runtime_error("track " + track.id + " has unknown status " + status);
  track.status = *parsed;
  track.progress = r.Double(row, 9);
  track.error = r.OptionalText(row, 10);
  track.duration_ms = r.OptionalInt(row, 11);
  if (!r.IsNull(row, 12)) {
    track.loudness = Loudness{r.Double(row, 12), r.Double(row, 13), r.Double(row, 14)};
  }
  track.tags.title = r.OptionalText(row, 15);
  track.tags.artist = r.OptionalText(row, 16);
  track.tags.album = r.OptionalText(row, 17);
  track.tags.date = r.OptionalText(row, 18);
  if (auto number = r.OptionalInt(row, 19)) track.tags.track_number = static_cast<int>(*number);
  return track;
}

// status .. tag_track_number: twelve parameters.
Params& AddMediaAndTags(Params& params, const Track& track) {
  params.Text(TrackStatusName(track.status))
      .Double(track.progress)
      .Text(track.error)
      .Int(track.duration_ms);
  if (track.loudness) {
    params.Double(track.loudness->integrated_lufs)
        .Double(track.loudness->true_peak_db)
        .Double(track.loudness->gain_db);
  } else {
    params.Null().Null().Null();
  }
  return params.Text(track.tags.title)
      .Text(track.tags.artist)
      .Text(track.tags.album)
      .Text(track.tags.date)
      .Int(track.tags.track_number);
}

}  // namespace

void PgAlbumRepository::Insert(const Album& album) {
  Params params;
  params.Text(album.id)
      .Text(album.artist_id)
      .Text(album.title)
      .Text(album.release_date)
      .Int(album.created_at)
      .Int(album.updated_at);
  AddCover(params, album);
  conn_.ExecGuarded(
      "INSERT INTO albums (id, artist_id, title, release_date, created_at, updated_at, "
      "cover_key, cover_max_px) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      params);
}

std::optional<Album> PgAlbumRepository::FindById(std::string_view id) {
  Result r = conn_.Exec(std::string(kAlbumSelect) + "WHERE id = $1", Params().Text(id));
  if (r.Rows() == 0) return std::nullopt;
  return ReadAlbum(r, 0);
}

void PgAlbumRepository::Update(const Album& album) {
  Params params;
  params.Text(album.id)
      .Text(album.artist_id)
      .Text(album.title)
      .Text(album.release_date)
      .Int(album.updated_at);
  AddCover(params, album);
  Result r = conn_.ExecGuarded(
      "UPDATE albums SET artist_id = $2, title = $3, release_date = $4, updated_at = $5, "
      "cover_key = $6, cover_max_px = $7 WHERE id = $1",
      params);
  if (r.Affected() == 0) throw NotFound("album not found");
}

void PgAlbumRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM albums WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("album not found");
}

Page<Album> PgAlbumRepository::List(const PageRequest& page) {
  Params params;
  AddPage(params, page);
  Result r = conn_.Exec(std::string(kAlbumSelect) + "WHERE " + KeysetTail(page, 1), params);
  return CollectPage<Album>(r, page.limit, ReadAlbum);
}

Page<Album> PgAlbumRepository::ListByArtist(std::string_view artist_id, const PageRequest& page) {
  Params params;
  params.Text(artist_id);
  AddPage(params, page);
  Result r = conn_.Exec(
      std::string(kAlbumSelect) + "WHERE artist_id = $1 AND " + KeysetTail(page, 2), params);
  return CollectPage<Album>(r, page.limit, ReadAlbum);
}

void PgTrackRepository::Insert(const Track& track) {
  Params params;
  params.Text(track.id)
      .Text(track.album_id)
      .Text(track.title)
      .Int(track.track_number)
      .Text(track.blob_key)
      .Int(track.blob_size)
      .Int(track.created_at)
      .Int(track.updated_at);
  AddMediaAndTags(params, track);
  conn_.ExecGuarded(
      "INSERT INTO tracks (id, album_id, title, track_number, blob_key, blob_size, created_at, "
      "updated_at, status, progress, error, duration_ms, integrated_lufs, true_peak_db, gain_db, "
      "tag_title, tag_artist, tag_album, tag_date, tag_track_number) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
      params);
}

std::optional<Track> PgTrackRepository::FindById(std::string_view id) {
  Result r = conn_.Exec(std::string(kTrackSelect) + "WHERE id = $1", Params().Text(id));
  if (r.Rows() == 0) return std::nullopt;
  return ReadTrack(r, 0);
}

void PgTrackRepository::Update(const Track& track) {
  // A changed blob_key queues the old one (trigger tracks_queue_blob_after_replace).
  Params params;
  params.Text(track.id)
      .Text(track.album_id)
      .Text(track.title)
      .Int(track.track_number)
      .Text(track.blob_key)
      .Int(track.blob_size)
      .Int(track.updated_at);
  AddMediaAndTags(params, track);
  Result r = conn_.ExecGuarded(
      "UPDATE tracks SET album_id = $2, title = $3, track_number = $4, blob_key = $5, "
      "blob_size = $6, updated_at = $7, status = $8, progress = $9, error = $10, "
      "duration_ms = $11, integrated_lufs = $12, true_peak_db = $13, gain_db = $14, "
      "tag_title = $15, tag_artist = $16, tag_album = $17, tag_date = $18, "
      "tag_track_number = $19 WHERE id = $1",
      params);
  if (r.Affected() == 0) throw NotFound("track not found");
}

void PgTrackRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM tracks WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("track not found");
}

Page<Track> PgTrackRepository::List(const PageRequest& page) {
  Params params;
  AddPage(params, page);
  Result r = conn_.Exec(std::string(kTrackSelect) + "WHERE " + KeysetTail(page, 1), params);
  return CollectPage<Track>(r, page.limit, ReadTrack);
}

std::vector<Track> PgTrackRepository::ListByAlbum(std::string_view album_id) {
  Result r = conn_.Exec(std::string(kTrackSelect) +
                            "WHERE album_id = $1 ORDER BY track_number ASC NULLS LAST, id",
                        Params().Text(album_id));
  std::vector<Track> tracks;
  tracks.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) tracks.push_back(ReadTrack(r, row));
  return tracks;
}

std::int64_t PgTrackRepository::StoredBytesOfOwner(std::string_view owner_user_id) {
  Result r = conn_.Exec(
      "WITH owned AS (SELECT tracks.id, tracks.blob_size FROM tracks "
      "  JOIN albums ON albums.id = tracks.album_id "
      "  JOIN artists ON artists.id = albums.artist_id "
      "  WHERE artists.owner_user_id = $1) "
      "SELECT (COALESCE((SELECT SUM(blob_size) FROM owned), 0) + "
      "COALESCE((SELECT SUM(renditions.size_bytes) FROM renditions "
      "  JOIN owned ON owned.id = renditions.track_id), 0))::BIGINT",
      Params().Text(owner_user_id));
  return r.Int(0, 0);
}

}  // namespace cadenza::pg
