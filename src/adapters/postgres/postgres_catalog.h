#pragma once
// The Catalog on PostgreSQL (libpq): for several Cadenza processes sharing one database.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ports/catalog.h"

namespace cadenza {

struct PostgresOptions {
  std::string url;                         // libpq URI or conninfo (postgresql://user:pass@host:port/db?sslmode=...)
  int pool_size = 10;                      // connections at most
  std::chrono::milliseconds timeout{5000}; // connect timeout, wait for a pooled connection, statement_timeout
  // Streaming replicas of `url` that serve reads, each with a pool of its own (pool_size,
  // timeout), used while at most replica_max_lag behind the primary.
  std::vector<std::string> replica_urls;
  std::chrono::milliseconds replica_max_lag{5000};
  // Called (from the adapter's monitor thread or a reading thread) when a replica leaves or
  // rejoins the set that serves reads, for the application to log.
  std::function<void(const Catalog::ReplicaStatus&)> on_replica_change;
};

// Connects once to check that the server is reachable and keeps that connection in the pool.
// Does not migrate: call Migrate() before the first Read/Write on a new database.
// Throws Error(kUnavailable) with libpq's reason (never the password) when the server cannot be
// reached or refuses the login; std::invalid_argument when pool_size < 1 or timeout <= 0.
//
// Behaviour the Catalog port leaves to the adapter (the same as adapters/sqlite towards
// services unless said otherwise):
// - Write() runs SERIALIZABLE. Writers run concurrently, so the engine, not a single writer,
//   rules out lost updates and write skew (two uploads passing one per-account count check,
//   two ReplaceEntries interleaving positions): when PostgreSQL aborts a transaction for a
//   serialization failure (40001) or a deadlock (40P01), the adapter rolls back and runs the
//   whole callback again after a short random backoff, while the first attempt began less
//   than `timeout` ago (and at least 3 times), then throws Error(kUnavailable,
//   "database busy: ..."). The callback may therefore run more than once:
//   anything it does besides the database must be safe to repeat (signing a grant, a Stat).
//   Not reentrant: a Write or Migrate inside a Write on the same thread throws
//   std::logic_error. Read() inside Write() is allowed and sees the last committed state.
// - Read() runs REPEATABLE READ READ ONLY: one snapshot. A write inside it throws
//   Error(kInternal).
// - A statement refused inside a transaction (a uniqueness conflict, a missing row) leaves the
//   transaction usable, as on SQLite: every write runs in a savepoint.
// - The pool: at most pool_size connections, opened on demand; a caller waits up to `timeout`
//   for one, then gets Error(kUnavailable, "database busy: ..."). A connection found broken
//   (connection status bad, SQLSTATE class 08 or 57P01..03, a failed send) is closed and
//   replaced, never pooled again; when that happens at BEGIN, before the callback ran, the
//   transaction is started again on another connection. Every statement is bounded by
//   statement_timeout = `timeout` (then Error(kUnavailable)).
// - Migrate() runs the pending versions in one transaction holding a transaction-scoped
//   advisory lock, so instances starting at once each see every migration run exactly once.
// - Emails compare case-insensitively for ASCII letters (a unique index on lower(email) over a
//   COLLATE "C" column); ids and keys order by their bytes, as on SQLite.
// - Blob deletions are queued by PL/pgSQL triggers with the SQLite triggers' semantics.
// - JobQueue::Lease ranks jobs as SQLite does (fair across owners, expired leases taken over)
//   and takes the best-ranked job that no other open transaction has locked
//   (FOR UPDATE SKIP LOCKED).
// - Read replicas (replica_urls): Write, Migrate and ReadLatest run on the primary; Read runs
//   on a usable replica, taking turns, or on the primary when none is usable. A monitor
//   thread samples the primary's pg_current_wal_lsn() every 250 ms into a short history and
//   each replica's pg_last_wal_replay_lsn(); a replica's lag is 0 when it has replayed the
//   newest primary sample, else the age of the newest sample it has reached (an upper bound
//   of its staleness). Usable: reachable and lag <= replica_max_lag. A Read that fails on a
//   replica (connection lost, recovery conflict, any Error(kUnavailable)) runs again on the
//   primary, and the replica is unusable until the monitor sees it healthy again.
//   Read-your-writes: after a Write commits, its pg_current_wal_insert_lsn() is the thread's
//   LastWritePosition(); a Read on a thread that committed a Write, or under FenceReads(p),
//   goes only to a replica whose sampled replay position is past it, so it sees the Write.
//   A Read inside a Write runs on the primary. Without replicas none of this runs.
// - Errors: uniqueness and foreign-key violations are Error(kConflict) with SQLite's messages,
//   a lost server Error(kUnavailable), anything unexpected Error(kInternal).
std::unique_ptr<Catalog> OpenPostgresCatalog(const PostgresOptions& options);

}  // namespace cadenza
