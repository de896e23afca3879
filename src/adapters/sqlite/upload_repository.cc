#include <string>

#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT id, user_id, blob_key, track_id, max_bytes, expires_at, size, completed_at, "
    "created_at FROM uploads ";

Upload ReadUpload(const Statement& s) {
  Upload upload;
  upload.id = s.ColumnText(0);
  upload.user_id = s.ColumnText(1);
  upload.blob_key = s.ColumnText(2);
  upload.track_id = s.ColumnOptionalText(3);
  upload.max_bytes = s.ColumnInt(4);
  upload.expires_at = s.ColumnInt(5);
  upload.size = s.ColumnOptionalInt(6);
  upload.completed_at = s.ColumnOptionalInt(7);
  upload.created_at = s.ColumnInt(8);
  return upload;
}

std::optional<Upload> FindOne(Connection& conn, const std::string& sql, std::string_view value) {
  auto query = conn.Prepare(sql);
  query->BindText(1, value);
  if (!query->Step()) return std::nullopt;
  return ReadUpload(*query);
}

}  // namespace

void SqliteUploadRepository::Insert(const Upload& upload) {
  auto insert = conn_.Prepare(
      "INSERT INTO uploads (id, user_id, blob_key, track_id, max_bytes, expires_at, size, "
      "completed_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  insert->BindText(1, upload.id)
      .BindText(2, upload.user_id)
      .BindText(3, upload.blob_key)
      .BindText(4, upload.track_id)
      .BindInt(5, upload.max_bytes)
      .BindInt(6, upload.expires_at)
      .BindInt(7, upload.size)
      .BindInt(8, upload.completed_at)
      .BindInt(9, upload.created_at);
  insert->Run();
}

std::optional<Upload> SqliteUploadRepository::FindById(std::string_view id) {
  return FindOne(conn_, std::string(kSelect) + "WHERE id = ?1", id);
}

std::optional<Upload> SqliteUploadRepository::FindByBlobKey(std::string_view blob_key) {
  return FindOne(conn_, std::string(kSelect) + "WHERE blob_key = ?1", blob_key);
}

void SqliteUploadRepository::MarkCompleted(std::string_view id, std::int64_t size, Timestamp at) {
  auto update = conn_.Prepare("UPDATE uploads SET size = ?2, completed_at = ?3 WHERE id = ?1");
  update->BindText(1, id).BindInt(2, size).BindInt(3, at);
  update->Run();
  if (conn_.Changes() == 0) throw NotFound("upload not found");
}

void SqliteUploadRepository::Delete(std::string_view id) {
  auto remove = conn_.Prepare("DELETE FROM uploads WHERE id = ?1");
  remove->BindText(1, id);
  remove->Run();
  if (conn_.Changes() == 0) throw NotFound("upload not found");
}

std::vector<Upload> SqliteUploadRepository::ListExpired(Timestamp now, int limit) {
  if (limit < 1) return {};
  auto query = conn_.Prepare(std::string(kSelect) +
                             "WHERE expires_at < ?1 ORDER BY expires_at, id LIMIT ?2");
  query->BindInt(1, now).BindInt(2, limit);
  std::vector<Upload> uploads;
  while (query->Step()) uploads.push_back(ReadUpload(*query));
  return uploads;
}

OpenSlots SqliteUploadRepository::CountOpen(std::string_view user_id, Timestamp now) {
  auto query = conn_.Prepare(
      "SELECT COUNT(*), COALESCE(MIN(expires_at), 0) FROM uploads "
      "WHERE user_id = ?1 AND expires_at >= ?2");
  query->BindText(1, user_id).BindInt(2, now);
  query->Step();
  return OpenSlots{query->ColumnInt(0), query->ColumnInt(1)};
}

std::int64_t SqliteUploadRepository::CompletedBytes(std::string_view user_id) {
  auto query = conn_.Prepare(
      "SELECT COALESCE(SUM(size), 0) FROM uploads "
      "WHERE user_id = ?1 AND completed_at IS NOT NULL");
  query->BindText(1, user_id);
  query->Step();
  return query->ColumnInt(0);
}

}  // namespace cadenza::sqlite
