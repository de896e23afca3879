#pragma once
// The metadata database behind one port: repositories handed out inside a transaction.
// Adapters: adapters/sqlite (embedded default) and adapters/postgres; both pass the conformance
// suite in tests/unit/catalog/.
//
// Conventions for every repository:
// - Find* return std::nullopt when nothing matches; they never throw for "not found".
// - Insert/Update/Delete throw Error(kConflict) on a uniqueness violation and
//   Error(kNotFound) when the row to update or delete does not exist.
// - Database failures throw Error(kUnavailable) (busy, I/O, connection lost).
// - List* return items ordered by id (creation order) unless stated otherwise.
// - Deleting a row deletes what it owns (ON DELETE CASCADE); deleting or replacing a track's
//   blob_key queues the old key in the blob-deletion queue in the same transaction.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "domain/job.h"
#include "domain/media.h"
#include "domain/pagination.h"
#include "ports/search.h"
#include "ports/event_outbox.h"

namespace cadenza {

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual void Insert(const User& user) = 0;  // kConflict when the email is taken (any case)
  virtual std::optional<User> FindById(std::string_view id) = 0;
  virtual std::optional<User> FindByEmail(std::string_view email) = 0;  // case-insensitive
  virtual void Update(const User& user) = 0;  // all mutable fields, by id
  virtual void Delete(std::string_view id) = 0;
  virtual Page<User> List(const PageRequest& page) = 0;
};

class ArtistRepository {
 public:
  virtual ~ArtistRepository() = default;
  virtual void Insert(const Artist& artist) = 0;
  virtual std::optional<Artist> FindById(std::string_view id) = 0;
  virtual void Update(const Artist& artist) = 0;
  virtual void Delete(std::string_view id) = 0;
  virtual Page<Artist> List(const PageRequest& page) = 0;
  virtual Page<Artist> ListByOwner(std::string_view owner_user_id, const PageRequest& page) = 0;
};

class AlbumRepository {
 public:
  virtual ~AlbumRepository() = default;
  virtual void Insert(const Album& album) = 0;
  virtual std::optional<Album> FindById(std::string_view id) = 0;
  virtual void Update(const Album& album) = 0;
  virtual void Delete(std::string_view id) = 0;
  virtual Page<Album> List(const PageRequest& page) = 0;
  virtual Page<Album> ListByArtist(std::string_view artist_id, const PageRequest& page) = 0;
};

class TrackRepository {
 public:
  virtual ~TrackRepository() = default;
  virtual void Insert(const Track& track) = 0;
  virtual std::optional<Track> FindById(std::string_view id) = 0;
  virtual void Update(const Track& track) = 0;
  virtual void Delete(std::string_view id) = 0;
  virtual Page<Track> List(const PageRequest& page) = 0;
  // All tracks of an album in play order: track_number ascending (tracks without a number
  // last), then id.
  virtual std::vector<Track> ListByAlbum(std::string_view album_id) = 0;
  // Bytes stored for the tracks of the artists `owner_user_id` owns: their originals
  // (blob_size) and all their renditions. 0 when there are none.
  virtual std::int64_t StoredBytesOfOwner(std::string_view owner_user_id) = 0;
};

class PlaylistRepository {
 public:
  virtual ~PlaylistRepository() = default;
  virtual void Insert(const Playlist& playlist) = 0;
  virtual std::optional<Playlist> FindById(std::string_view id) = 0;
  virtual void Update(const Playlist& playlist) = 0;
  virtual void Delete(std::string_view id) = 0;
  // The owner's playlists, and with include_public also everyone's public ones.
  virtual Page<Playlist> ListVisibleTo(std::string_view user_id, bool include_public,
                                       const PageRequest& page) = 0;
  // Entries ordered by position (0..n-1).
  virtual std::vector<PlaylistEntry> ListEntries(std::string_view playlist_id) = 0;
  // Replaces all entries; positions are taken from the vector order.
  virtual void ReplaceEntries(std::string_view playlist_id,
                              const std::vector<PlaylistEntry>& entries) = 0;
};

// A user's upload slots that are neither claimed nor expired.
struct OpenSlots {
  std::int64_t count = 0;
  Timestamp earliest_expiry = 0;  // the first of them to expire; 0 when count is 0
};

class UploadRepository {
 public:
  virtual ~UploadRepository() = default;
  virtual void Insert(const Upload& upload) = 0;
  virtual std::optional<Upload> FindById(std::string_view id) = 0;
  virtual std::optional<Upload> FindByBlobKey(std::string_view blob_key) = 0;
  // Records that the bytes are stored. kNotFound when the slot is gone.
  virtual void MarkCompleted(std::string_view id, std::int64_t size, Timestamp at) = 0;
  // Removes the slot row (the blob stays: a claimed upload now belongs to a track).
  virtual void Delete(std::string_view id) = 0;
  // Slots whose expires_at is before `now`, oldest first.
  virtual std::vector<Upload> ListExpired(Timestamp now, int limit) = 0;
  // The slots of `user_id` still open at `now` (expires_at >= now; claimed slots are gone).
  virtual OpenSlots CountOpen(std::string_view user_id, Timestamp now) = 0;
  // The total size of the completed slots of `user_id` (stored bytes not yet claimed by a
  // track, expired ones included until they are swept).
  virtual std::int64_t CompletedBytes(std::string_view user_id) = 0;
};

// Blob keys whose blobs must be removed once the transaction that queued them commits.
// Removal happens after commit, so a crash in between leaves a queued key, never a lost blob
// still referenced by a row.
class BlobDeletionQueue {
 public:
  virtual ~BlobDeletionQueue() = default;
  virtual void Enqueue(std::string_view blob_key) = 0;
  virtual std::vector<std::string> Peek(int limit) = 0;
  virtual void Remove(std::string_view blob_key) = 0;
};

// Background jobs, stored with the catalogue so that a job is enqueued in the same transaction
// as the row it works on. Leases use the database's locking (SQLite's single writer,
// PostgreSQL's FOR UPDATE SKIP LOCKED).
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  virtual void Enqueue(const Job& job) = 0;
  // Leases a runnable job of `kind` (run_after <= now, not leased or lease expired,
  // attempts < max_attempts): sets the lease holder and expiry, increments attempts. Fair
  // across accounts (Job::owner_id): the job comes from the owner with the fewest jobs leased
  // now, ties going to the owner whose last lease is the oldest (never leased first); within
  // an owner, the oldest runnable job. So one owner's backlog never starves another owner's
  // job. A job whose final attempt's lease ran out is leased once more with attempts >
  // max_attempts, so that the worker can record the failure.
  virtual std::optional<Job> Lease(std::string_view kind, std::string_view worker_id, Timestamp now,
                                   Timestamp lease_until) = 0;
  // Extends a lease the worker still holds; false when it was lost (expired and re-leased).
  virtual bool Renew(std::string_view job_id, std::string_view worker_id, Timestamp lease_until) = 0;
  // Removes a finished job; false when the worker no longer holds the lease.
  virtual bool Complete(std::string_view job_id, std::string_view worker_id) = 0;
  // Releases the lease and schedules another attempt at `run_after`, recording the error.
  virtual bool Retry(std::string_view job_id, std::string_view worker_id, Timestamp run_after,
                     std::string_view error) = 0;
  virtual std::optional<Job> FindBySubject(std::string_view kind, std::string_view subject_id) = 0;
  // Jobs of any kind that `owner_id` has queued or running: all but the permanently failed.
  virtual std::int64_t CountActive(std::string_view owner_id) = 0;
};

// The renditions of a track with their segments. Deleting them (directly, or by deleting the
// track) queues all their blob keys for deletion, like track blobs.
class RenditionRepository {
 public:
  virtual ~RenditionRepository() = default;
  // Replaces all renditions of the track (idempotent redo of a transcode). Blob keys that the
  // new set reuses are not queued for deletion.
  virtual void ReplaceForTrack(std::string_view track_id, const std::vector<Rendition>& renditions) = 0;
  // In StandardRenditions() order, with segments in index order.
  virtual std::vector<Rendition> ListForTrack(std::string_view track_id) = 0;
};

// The repositories of one transaction. Valid only inside the callback that received it.
class CatalogTransaction {
 public:
  virtual ~CatalogTransaction() = default;
  virtual UserRepository& users() = 0;
  virtual ArtistRepository& artists() = 0;
  virtual AlbumRepository& albums() = 0;
  virtual TrackRepository& tracks() = 0;
  virtual PlaylistRepository& playlists() = 0;
  virtual UploadRepository& uploads() = 0;
  virtual BlobDeletionQueue& blob_deletions() = 0;
  virtual JobQueue& jobs() = 0;
  virtual RenditionRepository& renditions() = 0;
  // Full-text search over the rows this transaction sees (ports/search.h).
  virtual SearchRepository& search() = 0;
  virtual EventOutbox& events() = 0;  // see ports/event_outbox.h
  virtual ListeningRepository& listening() = 0;
};

// Thread-safe. Blocking: call from blocking-work threads only.
class Catalog {
 public:
  virtual ~Catalog() = default;

  // Runs `fn` in one read-write transaction: commits when it returns, rolls back and rethrows
  // when it throws. Writers are serialized by the engine; busy engines are waited on (bounded).
  virtual void Write(const std::function<void(CatalogTransaction&)>& fn) = 0;

  // Runs `fn` in a read-only snapshot, possibly served by a replica that lags the primary by
  // a bounded time (see FenceReads for read-your-writes). Writes inside fail.
  virtual void Read(const std::function<void(CatalogTransaction&)>& fn) = 0;

  // Applies pending schema migrations; returns how many ran. Idempotent.
  virtual int Migrate() = 0;

  // True when a trivial query succeeds now (for /readyz).
  virtual bool Healthy() = 0;

  // Read-your-writes where reads may be served by copies that lag the primary (read
  // replicas). An adapter with one copy keeps every default: no positions, no fences, and
  // ReadLatest is Read.

  // Like Read, but never served by a copy that may lag: for state that must take effect at
  // once everywhere (a disabled account, a revoked token version).
  virtual void ReadLatest(const std::function<void(CatalogTransaction&)>& fn) { Read(fn); }

  // An opaque commit position of the last Write committed on the calling thread (since the
  // innermost live ReadFence of this thread began, when there is one); "" when there is none
  // or when reads never lag. Reads under FenceReads(position) see that Write.
  virtual std::string LastWritePosition() { return {}; }

  // While it lives, every Read on the calling thread sees at least the commit `position`
  // (from LastWritePosition, possibly of another process), and the thread's record of its
  // last Write starts empty. An invalid position is ignored. Destroy it on the thread that
  // made it. nullptr when reads never lag (nothing to fence).
  class ReadFence {
   public:
    virtual ~ReadFence() = default;
  };
  virtual std::unique_ptr<ReadFence> FenceReads(std::string_view /*position*/) { return nullptr; }

  // The copies that serve reads besides the primary (for /readyz); empty when there are none.
  struct ReplicaStatus {
    std::string server;                 // host:port/database, no credentials
    bool usable = false;                // reachable and within the allowed lag
    std::optional<std::int64_t> lag_ms; // an upper bound of its staleness; nullopt when unknown
  };
  virtual std::vector<ReplicaStatus> Replicas() { return {}; }

  // Convenience for callers that return a value: `auto a = catalog.ReadValue([&](auto& tx) {...});`
  template <class Fn>
  auto ReadValue(Fn&& fn) -> decltype(fn(std::declval<CatalogTransaction&>())) {
    std::optional<decltype(fn(std::declval<CatalogTransaction&>()))> out;
    Read([&](CatalogTransaction& tx) { out.emplace(fn(tx)); });
    return std::move(*out);
  }
  template <class Fn>
  auto ReadLatestValue(Fn&& fn) -> decltype(fn(std::declval<CatalogTransaction&>())) {
    std::optional<decltype(fn(std::declval<CatalogTransaction&>()))> out;
    ReadLatest([&](CatalogTransaction& tx) { out.emplace(fn(tx)); });
    return std::move(*out);
  }
  template <class Fn>
  auto WriteValue(Fn&& fn) -> decltype(fn(std::declval<CatalogTransaction&>())) {
    std::optional<decltype(fn(std::declval<CatalogTransaction&>()))> out;
    Write([&](CatalogTransaction& tx) { out.emplace(fn(tx)); });
    return std::move(*out);
  }
};

}  // namespace cadenza
