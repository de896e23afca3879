#include "adapters/sqlite/repositories.h"

namespace cadenza::sqlite {

void SqliteBlobDeletionQueue::Enqueue(std::string_view blob_key) {
  // Same clock expression as the queuing triggers (migrations.cc), so the order is consistent.
  auto insert = conn_.Prepare(
      "INSERT OR IGNORE INTO blob_deletions (blob_key, queued_at) "
      "VALUES (?1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
  insert->BindText(1, blob_key);
  insert->Run();
}

std::vector<std::string> SqliteBlobDeletionQueue::Peek(int limit) {
  if (limit < 1) return {};
  auto query =
      conn_.Prepare("SELECT blob_key FROM blob_deletions ORDER BY queued_at, blob_key LIMIT ?1");
  query->BindInt(1, limit);
  std::vector<std::string> keys;
  while (query->Step()) keys.push_back(query->ColumnText(0));
  return keys;
}

void SqliteBlobDeletionQueue::Remove(std::string_view blob_key) {
  auto remove = conn_.Prepare("DELETE FROM blob_deletions WHERE blob_key = ?1");
  remove->BindText(1, blob_key);
  remove->Run();
}

}  // namespace cadenza::sqlite
