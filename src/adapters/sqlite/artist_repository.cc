#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, owner_user_id, name, bio, created_at, updated_at FROM artists ";

Artist ReadArtist(const Statement& s) {
  Artist artist;
  artist.id = s.ColumnText(0);
  artist.owner_user_id = s.ColumnText(1);
  artist.name = s.ColumnText(2);
  artist.bio = s.ColumnOptionalText(3);
  artist.created_at = s.ColumnInt(4);
  artist.updated_at = s.ColumnInt(5);
  return artist;
}

}  // namespace

void SqliteArtistRepository::Insert(const Artist& artist) {
  auto insert = conn_.Prepare(
      "INSERT INTO artists (id, owner_user_id, name, bio, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert->BindText(1, artist.id)
      .BindText(2, artist.owner_user_id)
      .BindText(3, artist.name)
      .BindText(4, artist.bio)
      .BindInt(5, artist.created_at)
      .BindInt(6, artist.updated_at);
  insert->Run();
}

std::optional<Artist> SqliteArtistRepository::FindById(std::string_view id) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE id = ?1");
  query->BindText(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadArtist(*query);
}

void SqliteArtistRepository::Update(const Artist& artist) {
  auto update = conn_.Prepare(
      "UPDATE artists SET owner_user_id = ?2, name = ?3, bio = ?4, updated_at = ?5 "
      "WHERE id = ?1");
  update->BindText(1, artist.id)
      .BindText(2, artist.owner_user_id)
      .BindText(3, artist.name)
      .BindText(4, artist.bio)
      .BindInt(5, artist.updated_at);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("artist not found");
}

void SqliteArtistRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM artists WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("artist not found");
}

Page<Artist> SqliteArtistRepository::List(const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE " + KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  return CollectPage<Artist>(*query, page.limit, ReadArtist);
}

Page<Artist> SqliteArtistRepository::ListByOwner(std::string_view owner_user_id,
                                                 const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE owner_user_id = ?3 AND " +
                             KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  query->BindText(3, owner_user_id);
  return CollectPage<Artist>(*query, page.limit, ReadArtist);
}

}  // namespace cadenza::sqlite
