#include <string>

#include "adapters/postgres/pg_paging.h"
#include "adapters/postgres/pg_repositories.h"
#include "domain/error.h"

namespace cadenza::pg {
namespace {

constexpr char kPlaylistSelect[] =
    "SELECT id, owner_user_id, name, description, is_public, created_at, updated_at "
    "FROM playlists ";

Playlist ReadPlaylist(const Result& r, int row) {
  Playlist playlist;
  playlist.id = r.Text(row, 0);
  playlist.owner_user_id = r.Text(row, 1);
  playlist.name = r.Text(row, 2);
  playlist.description = r.OptionalText(row, 3);
  playlist.is_public = r.Bool(row, 4);
  playlist.created_at = r.Int(row, 5);
  playlist.updated_at = r.Int(row, 6);
  return playlist;
}

constexpr char kUploadSelect[] =
    "SELECT id, user_id, blob_key, track_id, max_bytes, expires_at, size, completed_at, "
    "created_at FROM uploads ";

Upload ReadUpload(const Result& r, int row) {
  Upload upload;
  upload.id = r.Text(row, 0);
  upload.user_id = r.Text(row, 1);
  upload.blob_key = r.Text(row, 2);
  upload.track_id = r.OptionalText(row, 3);
  upload.max_bytes = r.Int(row, 4);
  upload.expires_at = r.Int(row, 5);
  upload.size = r.OptionalInt(row, 6);
  upload.completed_at = r.OptionalInt(row, 7);
  upload.created_at = r.Int(row, 8);
  return upload;
}

std::optional<Upload> FindUpload(Connection& conn, const std::string& sql,
                                 std::string_view value) {
  Result r = conn.Exec(sql, Params().Text(value));
  if (r.Rows() == 0) return std::nullopt;
  return ReadUpload(r, 0);
}

}  // namespace

void PgPlaylistRepository::Insert(const Playlist& playlist) {
  conn_.ExecGuarded(
      "INSERT INTO playlists (id, owner_user_id, name, description, is_public, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      Params()
          .Text(playlist.id)
          .Text(playlist.owner_user_id)
          .Text(playlist.name)
          .Text(playlist.description)
          .Bool(playlist.is_public)
          .Int(playlist.created_at)
          .Int(playlist.updated_at));
}

std::optional<Playlist> PgPlaylistRepository::FindById(std::string_view id) {
  Result r = conn_.Exec(std::string(kPlaylistSelect) + "WHERE id = $1", Params().Text(id));
  if (r.Rows() == 0) return std::nullopt;
  return ReadPlaylist(r, 0);
}

void PgPlaylistRepository::Update(const Playlist& playlist) {
  Result r = conn_.ExecGuarded(
      "UPDATE playlists SET owner_user_id = $2, name = $3, description = $4, is_public = $5, "
      "updated_at = $6 WHERE id = $1",
      Params()
          .Text(playlist.id)
          .Text(playlist.owner_user_id)
          .Text(playlist.name)
          .Text(playlist.description)
          .Bool(playlist.is_public)
          .Int(playlist.updated_at));
  if (r.Affected() == 0) throw NotFound("playlist not found");
}

void PgPlaylistRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM playlists WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("playlist not found");
}

Page<Playlist> PgPlaylistRepository::ListVisibleTo(std::string_view user_id, bool include_public,
                                                   const PageRequest& page) {
  Params params;
  params.Text(user_id).Bool(include_public);
  AddPage(params, page);
  Result r = conn_.Exec(std::string(kPlaylistSelect) +
                            "WHERE (owner_user_id = $1 OR ($2::BOOLEAN AND is_public)) AND " +
                            KeysetTail(page, 3),
                        params);
  return CollectPage<Playlist>(r, page.limit, ReadPlaylist);
}

std::vector<PlaylistEntry> PgPlaylistRepository::ListEntries(std::string_view playlist_id) {
  Result r = conn_.Exec(
      "SELECT track_id, added_at FROM playlist_entries WHERE playlist_id = $1 ORDER BY position",
      Params().Text(playlist_id));
  std::vector<PlaylistEntry> entries;
  entries.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) {
    PlaylistEntry entry;
    entry.position = row;
    entry.track_id = r.Text(row, 0);
    entry.added_at = r.Int(row, 1);
    entries.push_back(std::move(entry));
  }
  return entries;
}

void PgPlaylistRepository::ReplaceEntries(std::string_view playlist_id,
                                          const std::vector<PlaylistEntry>& entries) {
  if (conn_.Exec("SELECT 1 FROM playlists WHERE id = $1", Params().Text(playlist_id)).Rows() == 0) {
    throw NotFound("playlist not found");
  }
  conn_.ExecGuarded("DELETE FROM playlist_entries WHERE playlist_id = $1",
                    Params().Text(playlist_id));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    try {
      conn_.ExecGuarded(
          "INSERT INTO playlist_entries (playlist_id, position, track_id, added_at) "
          "VALUES ($1, $2, $3, $4)",
          Params()
              .Text(playlist_id)
              .Int(static_cast<std::int64_t>(i))
              .Text(entries[i].track_id)
              .Int(entries[i].added_at));
    } catch (const Error& e) {
      // The playlist exists and positions are fresh, so the only conflict left is the track.
      if (e.code() != ErrorCode::kConflict) throw;
      throw Conflict("playlist entry " + std::to_string(i) + " refers to a missing track " +
                     entries[i].track_id);
    }
  }
}

void PgUploadRepository::Insert(const Upload& upload) {
  conn_.ExecGuarded(
      "INSERT INTO uploads (id, user_id, blob_key, track_id, max_bytes, expires_at, size, "
      "completed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      Params()
          .Text(upload.id)
          .Text(upload.user_id)
          .Text(upload.blob_key)
          .Text(upload.track_id)
          .Int(upload.max_bytes)
          .Int(upload.expires_at)
          .Int(upload.size)
          .Int(upload.completed_at)
          .Int(upload.created_at));
}

std::optional<Upload> PgUploadRepository::FindById(std::string_view id) {
  return FindUpload(conn_, std::string(kUploadSelect) + "WHERE id = $1", id);
}

std::optional<Upload> PgUploadRepository::FindByBlobKey(std::string_view blob_key) {
  return FindUpload(conn_, std::string(kUploadSelect) + "WHERE blob_key = $1", blob_key);
}

void PgUploadRepository::MarkCompleted(std::string_view id, std::int64_t size, Timestamp at) {
  Result r = conn_.ExecGuarded("UPDATE uploads SET size = $2, completed_at = $3 WHERE id = $1",
                               Params().Text(id).Int(size).Int(at));
  if (r.Affected() == 0) throw NotFound("upload not found");
}

void PgUploadRepository::Delete(std::string_view id) {
  Result r = conn_.ExecGuarded("DELETE FROM uploads WHERE id = $1", Params().Text(id));
  if (r.Affected() == 0) throw NotFound("upload not found");
}

std::vector<Upload> PgUploadRepository::ListExpired(Timestamp now, int limit) {
  if (limit < 1) return {};
  Result r = conn_.Exec(
      std::string(kUploadSelect) + "WHERE expires_at < $1 ORDER BY expires_at, id LIMIT $2",
      Params().Int(now).Int(limit));
  std::vector<Upload> uploads;
  uploads.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) uploads.push_back(ReadUpload(r, row));
  return uploads;
}

OpenSlots PgUploadRepository::CountOpen(std::string_view user_id, Timestamp now) {
  Result r = conn_.Exec(
      "SELECT COUNT(*), COALESCE(MIN(expires_at), 0) FROM uploads "
      "WHERE user_id = $1 AND expires_at >= $2",
      Params().Text(user_id).Int(now));
  return OpenSlots{r.Int(0, 0), r.Int(0, 1)};
}

std::int64_t PgUploadRepository::CompletedBytes(std::string_view user_id) {
  Result r = conn_.Exec(
      "SELECT COALESCE(SUM(size), 0)::BIGINT FROM uploads "
      "WHERE user_id = $1 AND completed_at IS NOT NULL",
      Params().Text(user_id));
  return r.Int(0, 0);
}

void PgBlobDeletionQueue::Enqueue(std::string_view blob_key) {
  // Same clock as the queuing triggers, so the order is consistent.
  conn_.ExecGuarded(
      "INSERT INTO blob_deletions (blob_key, queued_at) VALUES ($1, cadenza_now_ms()) "
      "ON CONFLICT DO NOTHING",
      Params().Text(blob_key));
}

std::vector<std::string> PgBlobDeletionQueue::Peek(int limit) {
  if (limit < 1) return {};
  Result r = conn_.Exec("SELECT blob_key FROM blob_deletions ORDER BY queued_at, blob_key LIMIT $1",
                        Params().Int(limit));
  std::vector<std::string> keys;
  keys.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) keys.push_back(r.Text(row, 0));
  return keys;
}

void PgBlobDeletionQueue::Remove(std::string_view blob_key) {
  conn_.ExecGuarded("DELETE FROM blob_deletions WHERE blob_key = $1", Params().Text(blob_key));
}

}  // namespace cadenza::pg
