#include <stdexcept>
#include <string>

#include "adapters/sqlite/repositories.h"

namespace cadenza::sqlite {
namespace {

constexpr char kSelect[] =
    "SELECT seq, id, type, event_key, user_id, subject_id, position_ms, occurred_at, "
    "recorded_at, attributes FROM event_outbox ";

OutboxRecord ReadRecord(const Statement& s) {
  OutboxRecord record;
  record.seq = s.ColumnInt(0);
  record.event.id = s.ColumnText(1);
  record.event.type = s.ColumnText(2);
  record.event.key = s.ColumnText(3);
  record.event.user_id = s.ColumnText(4);
  record.event.subject_id = s.ColumnText(5);
  record.event.position_ms = s.ColumnInt(6);
  record.event.occurred_at = s.ColumnInt(7);
  record.event.recorded_at = s.ColumnInt(8);
  record.event.attributes_json = s.ColumnText(9);
  return record;
}

void CheckLimit(int limit) {
  if (limit < 1 || limit > 1000) throw std::invalid_argument("EventOutbox: limit is 1..1000");
}

void CheckConsumer(std::string_view consumer) {
  if (consumer.empty() || consumer.size() > 64) {
    throw std::invalid_argument("EventOutbox: a consumer name is 1..64 bytes");
  }
}

void CheckForgetLimit(int limit, const std::string& method) {
  if (limit < 1 || limit > 10000) {
    throw std::invalid_argument("EventOutbox: " + method + "'s limit is 1..10000");
  }
}

}  // namespace

void SqliteEventOutbox::Append(const Event& event) {
  if (event.id.empty() || event.type.empty()) {
    throw std::invalid_argument("EventOutbox::Append: an event needs an id and a type");
  }
  auto insert = conn_.Prepare(
      "INSERT INTO event_outbox (id, type, event_key, user_id, subject_id, position_ms, "
      "occurred_at, recorded_at, attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  insert->BindText(1, event.id)
      .BindText(2, event.type)
      .BindText(3, event.key)
      .BindText(4, event.user_id)
      .BindText(5, event.subject_id)
      .BindInt(6, event.position_ms)
      .BindInt(7, event.occurred_at)
      .BindInt(8, event.recorded_at)
      .BindText(9, event.attributes_json);
  insert->Run();
}

std::vector<OutboxRecord> SqliteEventOutbox::ListAfter(std::int64_t after_seq, int limit) {
  CheckLimit(limit);
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  query->BindInt(1, after_seq).BindInt(2, limit);
  std::vector<OutboxRecord> records;
  while (query->Step()) records.push_back(ReadRecord(*query));
  return records;
}

std::vector<OutboxRecord> SqliteEventOutbox::ListUnpublished(int limit) {
  CheckLimit(limit);
  auto query = conn_.Prepare(std::string(kSelect) + "WHERE published = 0 ORDER BY seq LIMIT ?1");
  query->BindInt(1, limit);
  std::vector<OutboxRecord> records;
  while (query->Step()) records.push_back(ReadRecord(*query));
  return records;
}

void SqliteEventOutbox::MarkPublished(const std::vector<std::int64_t>& seqs) {
  auto update = conn_.Prepare("UPDATE event_outbox SET published = 1 WHERE seq = ?1");
  for (std::int64_t seq : seqs) {
    update->Reset();
    update->BindInt(1, seq);
    update->Run();
  }
}

std::int64_t SqliteEventOutbox::ConsumerPosition(std::string_view consumer) {
  CheckConsumer(consumer);
  // The single writer is the lock: a write transaction holds the database until commit.
  auto query = conn_.Prepare("SELECT position FROM event_consumers WHERE name = ?1");
  query->BindText(1, consumer);
  return query->Step() ? query->ColumnInt(0) : 0;
}

void SqliteEventOutbox::SetConsumerPosition(std::string_view consumer, std::int64_t seq) {
  CheckConsumer(consumer);
  auto upsert = conn_.Prepare(
      "INSERT INTO event_consumers (name, position) VALUES (?1, ?2) "
      "ON CONFLICT (name) DO UPDATE SET position = excluded.position");
  upsert->BindText(1, consumer).BindInt(2, seq);
  upsert->Run();
}

bool SqliteEventOutbox::MarkConsumed(std::string_view consumer, std::string_view event_id,
                                     Timestamp at) {
  CheckConsumer(consumer);
  auto insert = conn_.Prepare(
      "INSERT INTO consumed_events (consumer, event_id, consumed_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (consumer, event_id) DO NOTHING");
  insert->BindText(1, consumer).BindText(2, event_id).BindInt(3, at);
  insert->Run();
  return conn_.Changes() > 0;
}

std::int64_t SqliteEventOutbox::ForgetConsumedBefore(Timestamp before, int limit) {
  CheckForgetLimit(limit, "ForgetConsumedBefore");
  auto remove = conn_.Prepare(
      "DELETE FROM consumed_events WHERE rowid IN (SELECT rowid FROM consumed_events "
      "WHERE consumed_at < ?1 LIMIT ?2)");
  remove->BindInt(1, before).BindInt(2, limit);
  remove->Run();
  return conn_.Changes();
}

std::int64_t SqliteEventOutbox::ForgetBefore(Timestamp recorded_before, std::int64_t up_to_seq,
                                             bool require_published, int limit) {
  CheckForgetLimit(limit, "ForgetBefore");
  // INDEXED BY: the old records are found by recorded_at; a scan of the seq range instead
  // would read every record up to up_to_seq, most of them too new to go, on every batch.
  auto remove = conn_.Prepare(
      "DELETE FROM event_outbox WHERE seq IN (SELECT seq FROM event_outbox "
      "INDEXED BY event_outbox_recorded_at WHERE recorded_at < ?1 AND seq <= ?2 "
      "AND (published = 1 OR ?3 = 0) LIMIT ?4)");
  remove->BindInt(1, recorded_before)
      .BindInt(2, up_to_seq)
      .BindInt(3, require_published ? 1 : 0)
      .BindInt(4, limit);
  remove->Run();
  return conn_.Changes();
}

}  // namespace cadenza::sqlite
