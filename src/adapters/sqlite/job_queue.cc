#include <stdexcept>
#include <string>

#include "adapters/sqlite/repositories.h"

namespace cadenza::sqlite {
namespace {

constexpr char kColumns[] =
    "id, kind, subject_id, attempts, max_attempts, run_after, lease_owner, lease_expires_at, "
    "last_error, created_at, owner_id";

Job ReadJob(const Statement& s) {
  Job job;
  job.id = s.ColumnText(0);
  job.kind = s.ColumnText(1);
  job.subject_id = s.ColumnText(2);
  job.attempts = static_cast<int>(s.ColumnInt(3));
  job.max_attempts = static_cast<int>(s.ColumnInt(4));
  job.run_after = s.ColumnInt(5);
  job.lease_owner = s.ColumnOptionalText(6);
  job.lease_expires_at = s.ColumnInt(7);
  job.last_error = s.ColumnOptionalText(8);
  job.created_at = s.ColumnInt(9);
  job.owner_id = s.ColumnOptionalText(10).value_or("");
  return job;
}

// The id of the job to lease next (?1 kind, ?3 now). Round robin across owners: an owner's
// n-th runnable job scores n plus the jobs the owner holds leased now, so owners with less in
// flight go first; among equal scores the owner served longest ago (or never) goes first.
// Jobs without an owner are one owner, ''. Window functions and CTEs in a subquery are
// standard SQL: the statement carries over to PostgreSQL.
constexpr char kFairPick[] =
    "WITH runnable AS ("
    "  SELECT id, COALESCE(owner_id, '') AS owner_key, run_after, created_at, "
    "    ROW_NUMBER() OVER (PARTITION BY COALESCE(owner_id, '') "
    "                       ORDER BY run_after, created_at, id) AS owner_rank "
    "  FROM jobs WHERE kind = ?1 AND run_after <= ?3 "
    "  AND (lease_owner IS NULL OR lease_expires_at <= ?3) "
    // A job whose last attempt's worker died (still leased, lease run out) is leased once
    // more, past max_attempts, so that a worker records the failure instead of leaving its
    // subject processing forever.
    "  AND (attempts < max_attempts OR lease_owner IS NOT NULL)), "
    "busy AS ("
    "  SELECT COALESCE(owner_id, '') AS owner_key, COUNT(*) AS leased FROM jobs "
    "  WHERE kind = ?1 AND lease_owner IS NOT NULL AND lease_expires_at > ?3 "
    "  GROUP BY COALESCE(owner_id, '')) "
    "SELECT r.id FROM runnable r "
    "LEFT JOIN busy b ON b.owner_key = r.owner_key "
    "LEFT JOIN job_turns t ON t.kind = ?1 AND t.owner_id = r.owner_key "
    "ORDER BY COALESCE(b.leased, 0) + r.owner_rank, COALESCE(t.served_seq, 0), "
    "r.run_after, r.created_at, r.id LIMIT 1";

void RequireWorker(std::string_view worker_id) {
  // An empty owner would be indistinguishable from "anyone" in the owner checks.
  if (worker_id.empty()) throw std::invalid_argument("JobQueue: worker_id must not be empty");
}

}  // namespace

void SqliteJobQueue::Enqueue(const Job& job) {
  // The row takes the new job's id as well: blob keys are derived from "<job id>-<attempt>",
  // and attempts restart at 0, so keeping the old id would reuse the keys of committed output.
  auto upsert = conn_.Prepare(
      "INSERT INTO jobs (id, kind, subject_id, attempts, max_attempts, run_after, lease_owner, "
      "lease_expires_at, last_error, created_at, owner_id) "
      "VALUES (?1, ?2, ?3, 0, ?4, ?5, NULL, 0, NULL, ?6, ?7) "
      "ON CONFLICT (kind, subject_id) DO UPDATE SET id = excluded.id, attempts = 0, "
      "max_attempts = excluded.max_attempts, run_after = excluded.run_after, "
      "lease_owner = NULL, lease_expires_at = 0, last_error = NULL, "
      "created_at = excluded.created_at, owner_id = COALESCE(excluded.owner_id, owner_id)");
  std::optional<std::string> owner;
  if (!job.owner_id.empty()) owner = job.owner_id;
  upsert->BindText(1, job.id)
      .BindText(2, job.kind)
      .BindText(3, job.subject_id)
      .BindInt(4, job.max_attempts)
      .BindInt(5, job.run_after)
      .BindInt(6, job.created_at)
      .BindText(7, owner);
  upsert->Run();
}

std::optional<Job> SqliteJobQueue::Lease(std::string_view kind, std::string_view worker_id,
                                         Timestamp now, Timestamp lease_until) {
  RequireWorker(worker_id);
  // Selecting and claiming in one statement inside the catalog's BEGIN IMMEDIATE transaction is
  // atomic: SQLite admits one writer at a time, across threads and processes. PostgreSQL will
  // need SELECT ... FOR UPDATE SKIP LOCKED to let concurrent workers pass each other instead.
  auto lease = conn_.Prepare(std::string("UPDATE jobs SET lease_owner = ?2, lease_expires_at = ?4, "
                                         "attempts = attempts + 1 WHERE id = (") +
                             kFairPick + ") RETURNING " + kColumns);
  lease->BindText(1, kind).BindText(2, worker_id).BindInt(3, now).BindInt(4, lease_until);
  if (!lease->Step()) return std::nullopt;
  Job job = ReadJob(*lease);
  lease->Run();  // steps to SQLITE_DONE so that a late error surfaces here, not in the reset
  // The owner's turn: a sequence number rather than a time, so that leases within one
  // millisecond still take turns.
  auto turn = conn_.Prepare(
      "INSERT INTO job_turns (kind, owner_id, served_seq) VALUES (?1, ?2, "
      "(SELECT COALESCE(MAX(served_seq), 0) + 1 FROM job_turns WHERE kind = ?1)) "
      "ON CONFLICT (kind, owner_id) DO UPDATE SET served_seq = excluded.served_seq");
  turn->BindText(1, kind).BindText(2, job.owner_id);
  turn->Run();
  return job;
}

bool SqliteJobQueue::Renew(std::string_view job_id, std::string_view worker_id,
                           Timestamp lease_until) {
  RequireWorker(worker_id);
  auto renew = conn_.Prepare(
      "UPDATE jobs SET lease_expires_at = ?3 WHERE id = ?1 AND lease_owner = ?2");
  renew->BindText(1, job_id).BindText(2, worker_id).BindInt(3, lease_until);
  renew->Run();
  return conn_.Changes() > 0;
}

bool SqliteJobQueue::Complete(std::string_view job_id, std::string_view worker_id) {
  RequireWorker(worker_id);
  auto remove = conn_.Prepare("DELETE FROM jobs WHERE id = ?1 AND lease_owner = ?2");
  remove->BindText(1, job_id).BindText(2, worker_id);
  remove->Run();
  return conn_.Changes() > 0;
}

bool SqliteJobQueue::Retry(std::string_view job_id, std::string_view worker_id,
                           Timestamp run_after, std::string_view error) {
  RequireWorker(worker_id);
  auto retry = conn_.Prepare(
      "UPDATE jobs SET lease_owner = NULL, lease_expires_at = 0, run_after = ?3, "
      "last_error = ?4 WHERE id = ?1 AND lease_owner = ?2");
  retry->BindText(1, job_id).BindText(2, worker_id).BindInt(3, run_after).BindText(4, error);
  retry->Run();
  return conn_.Changes() > 0;
}

std::optional<Job> SqliteJobQueue::FindBySubject(std::string_view kind,
                                                 std::string_view subject_id) {
  auto query = conn_.Prepare(std::string("SELECT ") + kColumns +
                             " FROM jobs WHERE kind = ?1 AND subject_id = ?2");
  query->BindText(1, kind).BindText(2, subject_id);
  if (!query->Step()) return std::nullopt;
  return ReadJob(*query);
}

std::int64_t SqliteJobQueue::CountActive(std::string_view owner_id) {
  auto query = conn_.Prepare(
      "SELECT COUNT(*) FROM jobs WHERE owner_id = ?1 "
      "AND (attempts < max_attempts OR lease_owner IS NOT NULL)");
  query->BindText(1, owner_id);
  query->Step();
  return query->ColumnInt(0);
}

}  // namespace cadenza::sqlite
