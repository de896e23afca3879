#include <string>

#include "adapters/sqlite/paging.h"
#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, owner_user_id, name, description, is_public, created_at, updated_at "
    "FROM playlists ";

Playlist ReadPlaylist(const Statement& s) {
  Playlist playlist;
  playlist.id = s.ColumnText(0);
  playlist.owner_user_id = s.ColumnText(1);
  playlist.name = s.ColumnText(2);
  playlist.description = s.ColumnOptionalText(3);
  playlist.is_public = s.ColumnBool(4);
  playlist.created_at = s.ColumnInt(5);
  playlist.updated_at = s.ColumnInt(6);
  return playlist;
}

}  // namespace

void SqlitePlaylistRepository::Insert(const Playlist& playlist) {
  auto insert = conn_.Prepare(
      "INSERT INTO playlists (id, owner_user_id, name, description, is_public, created_at, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert->BindText(1, playlist.id)
      .BindText(2, playlist.owner_user_id)
      .BindText(3, playlist.name)
      .BindText(4, playlist.description)
      .BindBool(5, playlist.is_public)
      .BindInt(6, playlist.created_at)
      .BindInt(7, playlist.updated_at);
  insert->Run();
}

std::optional<Playlist> SqlitePlaylistRepository::FindById(std::string_view id) {
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE id = ?1");
  query->BindText(1, id);
  if (!query->Step()) return std::nullopt;
  return ReadPlaylist(*query);
}

void SqlitePlaylistRepository::Update(const Playlist& playlist) {
  auto update = conn_.Prepare(
      "UPDATE playlists SET owner_user_id = ?2, name = ?3, description = ?4, is_public = ?5, "
      "updated_at = ?6 WHERE id = ?1");
  update->BindText(1, playlist.id)
      .BindText(2, playlist.owner_user_id)
      .BindText(3, playlist.name)
      .BindText(4, playlist.description)
      .BindBool(5, playlist.is_public)
      .BindInt(6, playlist.updated_at);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("playlist not found");
}

void SqlitePlaylistRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM playlists WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("playlist not found");
}

Page<Playlist> SqlitePlaylistRepository::ListVisibleTo(std::string_view user_id,
                                                       bool include_public,
                                                       const PageRequest& page) {
  auto query = conn_.Prepare(std::string(kSelect) +
                             "WHERE (owner_user_id = ?3 OR (?4 AND is_public = 1)) AND " +
                             KeysetTail(page, 1, 2));
  BindPage(*query, 1, 2, page);
  query->BindText(3, user_id).BindBool(4, include_public);
  return CollectPage<Playlist>(*query, page.limit, ReadPlaylist);
}

std::vector<PlaylistEntry> SqlitePlaylistRepository::ListEntries(std::string_view playlist_id) {
  // Stored positions keep the order but may have holes (ON DELETE CASCADE from tracks removes
  // entries without renumbering), so positions are reassigned densely here.
  auto query = conn_.Prepare(
      "SELECT track_id, added_at FROM playlist_entries WHERE playlist_id = ?1 "
      "ORDER BY position");
  query->BindText(1, playlist_id);
  std::vector<PlaylistEntry> entries;
  while (query->Step()) {
    PlaylistEntry entry;
    entry.position = static_cast<int>(entries.size());
    entry.track_id = query->ColumnText(0);
    entry.added_at = query->ColumnInt(1);
    entries.push_back(std::move(entry));
  }
  return entries;
}

void SqlitePlaylistRepository::ReplaceEntries(std::string_view playlist_id,
                                              const std::vector<PlaylistEntry>& entries) {
  {
    auto exists = conn_.Prepare("SELECT 1 FROM playlists WHERE id = ?1");
    exists->BindText(1, playlist_id);
    if (!exists->Step()) throw NotFound("playlist not found");
  }
  {
    auto clear = conn_.Prepare("DELETE FROM playlist_entries WHERE playlist_id = ?1");
    clear->BindText(1, playlist_id);
    clear->Run();
  }
  auto insert = conn_.Prepare(
      "INSERT INTO playlist_entries (playlist_id, position, track_id, added_at) "
      "VALUES (?1, ?2, ?3, ?4)");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    insert->BindText(1, playlist_id)
        .BindInt(2, static_cast<std::int64_t>(i))
        .BindText(3, entries[i].track_id)
        .BindInt(4, entries[i].added_at);
    try {
      insert->Run();
    } catch (const Error& e) {
      // The playlist exists and positions are fresh, so the only conflict left is the track.
      if (e.code() != ErrorCode::kConflict) throw;
      throw Conflict("playlist entry " + std::to_string(i) + " refers to a missing track " +
                     entries[i].track_id);
    }
    insert->Reset();
  }
}

}  // namespace cadenza::sqlite
