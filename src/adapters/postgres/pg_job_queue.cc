#include <stdexcept>
#include <string>

#include "adapters/postgres/pg_repositories.h"

namespace cadenza::pg {
namespace {

constexpr char kColumns[] =
    "id, kind, subject_id, attempts, max_attempts, run_after, lease_owner, lease_expires_at, "
    "last_error, created_at, owner_id";

Job ReadJob(const Result& r, int row) {
  Job job;
  job.id = r.Text(row, 0);
  job.kind = r.Text(row, 1);
  job.subject_id = r.Text(row, 2);
  job.attempts = static_cast<int>(r.Int(row, 3));
  job.max_attempts = static_cast<int>(r.Int(row, 4));
  job.run_after = r.Int(row, 5);
  job.lease_owner = r.OptionalText(row, 6);
  job.lease_expires_at = r.Int(row, 7);
  job.last_error = r.OptionalText(row, 8);
  job.created_at = r.Int(row, 9);
  job.owner_id = r.OptionalText(row, 10).value_or("");
  return job;
}

// SQLite's kFairPick (adapters/sqlite/job_queue.cc) ranks the runnable jobs ($1 kind, $3 now):
// an owner's n-th runnable job scores n plus the jobs the owner holds leased now; ties go to the
// owner served longest ago, then run_after, created_at, id. Here the ranking is a CTE and the
// pick takes the best-ranked job no other transaction holds locked (FOR UPDATE SKIP LOCKED),
// so concurrent leasers pass each other instead of queuing on one row.
constexpr char kLease[] =
    "WITH runnable AS ("
    "  SELECT id, COALESCE(owner_id, '') AS owner_key, run_after, created_at, "
    "    ROW_NUMBER() OVER (PARTITION BY COALESCE(owner_id, '') "
    "                       ORDER BY run_after, created_at, id) AS owner_rank "
    "  FROM jobs WHERE kind = $1 AND run_after <= $3 "
    "  AND (lease_owner IS NULL OR lease_expires_at <= $3) "
    // A last attempt whose worker died is leased once more, past max_attempts, so that a
    // worker records the failure.
    "  AND (attempts < max_attempts OR lease_owner IS NOT NULL)), "
    "busy AS ("
    "  SELECT COALESCE(owner_id, '') AS owner_key, COUNT(*) AS leased FROM jobs "
    "  WHERE kind = $1 AND lease_owner IS NOT NULL AND lease_expires_at > $3 "
    "  GROUP BY COALESCE(owner_id, '')), "
    "ranked AS ("
    "  SELECT r.id, ROW_NUMBER() OVER (ORDER BY COALESCE(b.leased, 0) + r.owner_rank, "
    "    COALESCE(t.served_seq, 0), r.run_after, r.created_at, r.id) AS place "
    "  FROM runnable r LEFT JOIN busy b ON b.owner_key = r.owner_key "
    "  LEFT JOIN job_turns t ON t.kind = $1 AND t.owner_id = r.owner_key), "
    "picked AS ("
    "  SELECT j.id FROM jobs j JOIN ranked k ON k.id = j.id ORDER BY k.place LIMIT 1 "
    "  FOR UPDATE OF j SKIP LOCKED) "
    "UPDATE jobs SET lease_owner = $2, lease_expires_at = $4, attempts = jobs.attempts + 1 "
    "FROM picked WHERE jobs.id = picked.id RETURNING jobs.id, jobs.kind, jobs.subject_id, "
    "jobs.attempts, jobs.max_attempts, jobs.run_after, jobs.lease_owner, jobs.lease_expires_at, "
    "jobs.last_error, jobs.created_at, jobs.owner_id";

void RequireWorker(std::string_view worker_id) {
  if (worker_id.empty()) throw std::invalid_argument("JobQueue: worker_id must not be empty");
}

}  // namespace

void PgJobQueue::Enqueue(const Job& job) {
  // The row takes the new job's id as well: blob keys derive from "<job id>-<attempt>".
  std::optional<std::string> owner;
  if (!job.owner_id.empty()) owner = job.owner_id;
  conn_.ExecGuarded(
      "INSERT INTO jobs (id, kind, subject_id, attempts, max_attempts, run_after, lease_owner, "
      "lease_expires_at, last_error, created_at, owner_id) "
      "VALUES ($1, $2, $3, 0, $4, $5, NULL, 0, NULL, $6, $7) "
      "ON CONFLICT (kind, subject_id) DO UPDATE SET id = excluded.id, attempts = 0, "
      "max_attempts = excluded.max_attempts, run_after = excluded.run_after, "
      "lease_owner = NULL, lease_expires_at = 0, last_error = NULL, "
      "created_at = excluded.created_at, owner_id = COALESCE(excluded.owner_id, jobs.owner_id)",
      Params()
          .Text(job.id)
          .Text(job.kind)
          .Text(job.subject_id)
          .Int(job.max_attempts)
          .Int(job.run_after)
          .Int(job.created_at)
          .Text(owner));
}

std::optional<Job> PgJobQueue::Lease(std::string_view kind, std::string_view worker_id,
                                     Timestamp now, Timestamp lease_until) {
  RequireWorker(worker_id);
  Result r = conn_.ExecGuarded(kLease, Params().Text(kind).Text(worker_id).Int(now).Int(lease_until));
  if (r.Rows() == 0) return std::nullopt;
  Job job = ReadJob(r, 0);
  // The owner's turn: a sequence number rather than a time, so that leases within one
  // millisecond still take turns.
  conn_.ExecGuarded(
      "INSERT INTO job_turns (kind, owner_id, served_seq) VALUES ($1, $2, "
      "(SELECT COALESCE(MAX(served_seq), 0) + 1 FROM job_turns WHERE kind = $1)) "
      "ON CONFLICT (kind, owner_id) DO UPDATE SET served_seq = excluded.served_seq",
      Params().Text(kind).Text(job.owner_id));
  return job;
}

bool PgJobQueue::Renew(std::string_view job_id, std::string_view worker_id,
                       Timestamp lease_until) {
  RequireWorker(worker_id);
  return conn_
             .ExecGuarded("UPDATE jobs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2",
                          Params().Text(job_id).Text(worker_id).Int(lease_until))
             .Affected() > 0;
}

bool PgJobQueue::Complete(std::string_view job_id, std::string_view worker_id) {
  RequireWorker(worker_id);
  return conn_
             .ExecGuarded("DELETE FROM jobs WHERE id = $1 AND lease_owner = $2",
                          Params().Text(job_id).Text(worker_id))
             .Affected() > 0;
}

bool PgJobQueue::Retry(std::string_view job_id, std::string_view worker_id, Timestamp run_after,
                       std::string_view error) {
  RequireWorker(worker_id);
  return conn_
             .ExecGuarded(
                 "UPDATE jobs SET lease_owner = NULL, lease_expires_at = 0, run_after = $3, "
                 "last_error = $4 WHERE id = $1 AND lease_owner = $2",
                 Params().Text(job_id).Text(worker_id).Int(run_after).Text(error))
             .Affected() > 0;
}

std::optional<Job> PgJobQueue::FindBySubject(std::string_view kind, std::string_view subject_id) {
  Result r = conn_.Exec(std::string("SELECT ") + kColumns +
                            " FROM jobs WHERE kind = $1 AND subject_id = $2",
                        Params().Text(kind).Text(subject_id));
  if (r.Rows() == 0) return std::nullopt;
  return ReadJob(r, 0);
}

std::int64_t PgJobQueue::CountActive(std::string_view owner_id) {
  return conn_
      .Exec(
          "SELECT COUNT(*) FROM jobs WHERE owner_id = $1 "
          "AND (attempts < max_attempts OR lease_owner IS NOT NULL)",
          Params().Text(owner_id))
      .Int(0, 0);
}

}  // namespace cadenza::pg
