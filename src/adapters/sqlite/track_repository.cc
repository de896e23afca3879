#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, album_id, title, track_number, blob_key, blob_size, created_at, updated_at "
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
  return track;
}

}  // namespace

void SqliteTrackRepository::Insert(const Track& track) {
  auto insert = conn_.Prepare(
      "INSERT INTO tracks (id, album_id, title, track_number, blob_key, blob_size, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  insert->BindText(1, track.id)
      .BindText(2, track.album_id)
      .BindText(3, track.title)
      .BindInt(4, track.track_number)
      .BindText(5, track.blob_key)
      .BindInt(6, track.blob_size)
      .BindInt(7, track.created_at)
      .BindInt(8, track.updated_at);
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
      "blob_size = ?6, updated_at = ?7 WHERE id = ?1");
  update->BindText(1, track.id)
      .BindText(2, track.album_id)
      .BindText(3, track.title)
      .BindInt(4, track.track_number)
      .BindText(5, track.blob_key)
      .BindInt(6, track.blob_size)
      .BindInt(7, track.updated_at);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("track not found");
}

void SqliteTrackRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM tracks WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("track not found");
}

Page<Track> SqliteTrackRepository::List(const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
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

}  // namespace cadenza::sqlite
