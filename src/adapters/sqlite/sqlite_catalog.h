#pragma once
// The embedded Catalog: one SQLite database file (WAL mode), usable by one process or several.
#include <chrono>
#include <filesystem>
#include <memory>

#include "ports/catalog.h"

namespace cadenza {

struct SqliteOptions {
  // Reader connections serving Catalog::Read concurrently (at least 1). Writers always share
  // one connection: SQLite admits one writer at a time anyway.
  int read_connections = 4;
  // How long a statement waits for a lock held by another process before the operation
  // fails with Error(kUnavailable).
  std::chrono::milliseconds busy_timeout{5000};
};

// Opens (creating when missing) `database_file` and its connections; the parent folder must
// exist. Does not migrate: call Migrate() before the first Read/Write on a new database.
// Throws Error(kUnavailable) when the file cannot be opened and std::runtime_error when it is
// read-only or cannot use WAL; std::invalid_argument when read_connections < 1.
//
// Behaviour the Catalog port leaves to the adapter:
// - Write() runs on the single writer connection under an in-process mutex with
//   BEGIN IMMEDIATE; it is not reentrant (a Write inside a Write throws std::logic_error).
//   Read() inside Write() is allowed but sees the last committed state only.
// - Read() takes one reader connection (PRAGMA query_only) for a BEGIN..COMMIT snapshot and
//   blocks while all readers are taken, so do not nest Read() calls. A write attempted inside
//   Read() throws Error(kInternal): it is a bug in the caller, not a passing outage.
// - Deleting a track, replacing its blob_key, or deleting an upload slot whose blob_key no
//   track uses queues that key in blob_deletions (SQL triggers, so cascades queue too).
// - Playlist positions may have holes after a track is deleted (the entry cascades away);
//   ListEntries renumbers densely 0..n-1 in stored order, and ReplaceEntries rewrites them.
// - Update() writes every field except id and created_at. BlobDeletionQueue::Remove of a key
//   that is not queued is a no-op, so concurrent sweepers do not fail each other.
// - Emails compare case-insensitively for ASCII letters (SQLite's NOCASE collation).
// - Media pipeline (schema version 2): tracks created before it read back as status ready,
//   progress 1. Deleting a track queues its original and every rendition and segment key;
//   inserting a rendition or segment takes its key (and any queued prefix of it) off the
//   queue. Queue entries ending in '/' are prefixes: every blob under them is to be removed.
// - JobQueue: one job per (kind, subject_id), Enqueue resets it; Lease/Renew/Complete/Retry
//   need Catalog::Write. A job is not tied to its subject's row: deleting a track leaves its
//   job for the worker to complete. See SqliteJobQueue in repositories.h for the details.
std::unique_ptr<Catalog> OpenSqliteCatalog(const std::filesystem::path& database_file,
                                           SqliteOptions options = {});

}  // namespace cadenza
