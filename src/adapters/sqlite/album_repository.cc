#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, artist_id, title, release_date, created_at, updated_at, cover_key, cover_max_px FROM albums ";

Album ReadAlbum(const Statement& s) {
  Album album;
  album.id = s.ColumnText(0);
  album.artist_id = s.ColumnText(1);
  album.title = s.ColumnText(2);
  album.release_date = s.ColumnOptionalText(3);
  album.created_at = s.ColumnInt(4);
  album.updated_at = s.ColumnInt(5);
  album.cover_key = s.ColumnOptionalText(6);
  album.cover_max_px = album.cover_key ? static_cast<int>(s.ColumnInt(7)) : 0;
  return album;
}

}  // namespace

void SqliteAlbumRepository::Insert(const Album& album) {
  auto insert = conn_.Prepare(
      "INSERT INTO albums (id, artist_id, title, release_date, created_at, updated_at, cover_key, "
      "cover_max_px) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  insert->BindText(1, album.id)
      .BindText(2, album.artist_id)
      .BindText(3, album.title)
      .BindText(4, album.release_date)
      .BindInt(5, album.created_at)
      .BindInt(6, album.updated_at)
      .BindText(7, album.cover_key);
  if (album.cover_key) insert->BindInt(8, album.cover_max_px);
  insert->Run();
}

std::optional<Album> SqliteAlbumRepository::FindById(std::string_view id) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE id = ?1");
  query->BindText(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadAlbum(*query);
}

void SqliteAlbumRepository::Update(const Album& album) {
  auto update = conn_.Prepare(
      "UPDATE albums SET artist_id = ?2, title = ?3, release_date = ?4, updated_at = ?5, "
      "cover_key = ?6, cover_max_px = ?7 WHERE id = ?1");
  update->BindText(1, album.id)
      .BindText(2, album.artist_id)
      .BindText(3, album.title)
      .BindText(4, album.release_date)
      .BindInt(5, album.updated_at)
      .BindText(6, album.cover_key);
  if (album.cover_key) update->BindInt(7, album.cover_max_px);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("album not found");
}

void SqliteAlbumRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM albums WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("album not found");
}

Page<Album> SqliteAlbumRepository::List(const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE " + KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  return CollectPage<Album>(*query, page.limit, ReadAlbum);
}

Page<Album> SqliteAlbumRepository::ListByArtist(std::string_view artist_id,
                                                const PageRequest& page) {
  auto query =
      conn_.Prepare(std::string(kSelect) + "WHERE artist_id = ?3 AND " + KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  query->BindText(3, artist_id);
  return CollectPage<Album>(*query, page.limit, ReadAlbum);
}

}  // namespace cadenza::sqlite
