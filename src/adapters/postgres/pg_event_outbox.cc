#include <stdexcept>
#include <string>

#include "adapters/postgres/pg_repositories.h"

namespace cadenza::pg {
namespace {

// Appends take this transaction-scoped advisory lock before the identity value is drawn and
// hold it until commit or rollback. PostgreSQL hands out sequence values before commit, in
// whatever order transactions then commit; a reader that has moved past seq N would skip a
// smaller seq committed later. With the lock, the transaction holding seq N commits (and is
// visible) before the next append draws N+1, so every snapshot sees a prefix of the seqs.
// The alternative, handing out only rows older than every in-flight transaction
// (pg_snapshot_xmin), needs a transaction id per row and delays readers behind any long
// transaction; the lock costs appenders a short wait instead, and appends are small.
constexpr std::int64_t kAppendLock = 0x63616465'6e7a6102;

constexpr char kSelect[] =
    "SELECT seq, id, type, event_key, user_id, subject_id, position_ms, occurred_at, "
    "recorded_at, attributes FROM event_outbox ";

std::vector<OutboxRecord> ReadRecords(const Result& r) {
  std::vector<OutboxRecord> records;
  records.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) {
    OutboxRecord record;
    record.seq = r.Int(row, 0);
    record.event.id = r.Text(row, 1);
    record.event.type = r.Text(row, 2);
    record.event.key = r.Text(row, 3);
    record.event.user_id = r.Text(row, 4);
    record.event.subject_id = r.Text(row, 5);
    record.event.position_ms = r.Int(row, 6);
    record.event.occurred_at = r.Int(row, 7);
    record.event.recorded_at = r.Int(row, 8);
    record.event.attributes_json = r.Text(row, 9);
    records.push_back(std::move(record));
  }
  return records;
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

void PgEventOutbox::Append(const Event& event) {
  if (event.id.empty() || event.type.empty()) {
    throw std::invalid_argument("EventOutbox::Append: an event needs an id and a type");
  }
  conn_.Exec("SELECT pg_advisory_xact_lock($1)", Params().Int(kAppendLock));
  conn_.ExecGuarded(
      "INSERT INTO event_outbox (id, type, event_key, user_id, subject_id, position_ms, "
      "occurred_at, recorded_at, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      Params()
          .Text(event.id)
          .Text(event.type)
          .Text(event.key)
          .Text(event.user_id)
          .Text(event.subject_id)
          .Int(event.position_ms)
          .Int(event.occurred_at)
          .Int(event.recorded_at)
          .Text(event.attributes_json));
}

std::vector<OutboxRecord> PgEventOutbox::ListAfter(std::int64_t after_seq, int limit) {
  CheckLimit(limit);
  return ReadRecords(conn_.Exec(std::string(kSelect) + "WHERE seq > $1 ORDER BY seq LIMIT $2",
                                Params().Int(after_seq).Int(limit)));
}

std::vector<OutboxRecord> PgEventOutbox::ListUnpublished(int limit) {
  CheckLimit(limit);
  return ReadRecords(conn_.Exec(
      std::string(kSelect) + "WHERE NOT published ORDER BY seq LIMIT $1", Params().Int(limit)));
}

void PgEventOutbox::MarkPublished(const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return;
  std::string list = "{";
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    if (i > 0) list += ',';
    list += std::to_string(seqs[i]);
  }
  list += '}';
  conn_.ExecGuarded("UPDATE event_outbox SET published = TRUE WHERE seq = ANY($1::BIGINT[])",
                    Params().Text(list));
}

std::int64_t PgEventOutbox::ConsumerPosition(std::string_view consumer) {
  CheckConsumer(consumer);
  // The row exists before it is locked, so that two first runs also queue on it.
  conn_.ExecGuarded(
      "INSERT INTO event_consumers (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
      Params().Text(consumer));
  Result r = conn_.Exec("SELECT position FROM event_consumers WHERE name = $1 FOR UPDATE",
                        Params().Text(consumer));
  return r.Rows() > 0 ? r.Int(0, 0) : 0;
}

void PgEventOutbox::SetConsumerPosition(std::string_view consumer, std::int64_t seq) {
  CheckConsumer(consumer);
  conn_.ExecGuarded(
      "INSERT INTO event_consumers (name, position) VALUES ($1, $2) "
      "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
      Params().Text(consumer).Int(seq));
}

bool PgEventOutbox::MarkConsumed(std::string_view consumer, std::string_view event_id,
                                 Timestamp at) {
  CheckConsumer(consumer);
  // ON CONFLICT waits for a concurrent inserter of the same pair, then skips if it committed.
  return conn_
             .Exec("INSERT INTO consumed_events (consumer, event_id, consumed_at) "
                   "VALUES ($1, $2, $3) ON CONFLICT (consumer, event_id) DO NOTHING RETURNING 1",
                   Params().Text(consumer).Text(event_id).Int(at))
             .Rows() > 0;
}

std::int64_t PgEventOutbox::ForgetConsumedBefore(Timestamp before, int limit) {
  CheckForgetLimit(limit, "ForgetConsumedBefore");
  return conn_
      .Exec("DELETE FROM consumed_events WHERE (consumer, event_id) IN (SELECT consumer, "
            "event_id FROM consumed_events WHERE consumed_at < $1 LIMIT $2)",
            Params().Int(before).Int(limit))
      .Affected();
}

std::int64_t PgEventOutbox::ForgetBefore(Timestamp recorded_before, std::int64_t up_to_seq,
                                         bool require_published, int limit) {
  CheckForgetLimit(limit, "ForgetBefore");
  // Deleting takes no append lock: a record that goes is older than every position that
  // matters, and appends only add records with larger seqs.
  return conn_
      .Exec("DELETE FROM event_outbox WHERE seq IN (SELECT seq FROM event_outbox "
            "WHERE recorded_at < $1 AND seq <= $2 AND (published OR NOT $3) LIMIT $4)",
            Params().Int(recorded_before).Int(up_to_seq).Bool(require_published).Int(limit))
      .Affected();
}

}  // namespace cadenza::pg
