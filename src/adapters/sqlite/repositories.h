#pragma once
// The Catalog port's repositories over one connection, valid for one transaction. They run
// parameterised SQL only and leave transaction control to the catalog. Error mapping: see
// sqlite_error.h; behaviour the port leaves open: see sqlite_catalog.h.
#include "adapters/sqlite/connection.h"
#include "ports/catalog.h"

namespace cadenza::sqlite {

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Connection& conn) : conn_(conn) {}
  void Insert(const User& user) override;
  std::optional<User> FindById(std::string_view id) override;
  std::optional<User> FindByEmail(std::string_view email) override;
  void Update(const User& user) override;
  void Delete(std::string_view id) override;
  Page<User> List(const PageRequest& page) override;

 private:
  Connection& conn_;
};

class SqliteArtistRepository final : public ArtistRepository {
 public:
  explicit SqliteArtistRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Artist& artist) override;
  std::optional<Artist> FindById(std::string_view id) override;
  void Update(const Artist& artist) override;
  void Delete(std::string_view id) override;
  Page<Artist> List(const PageRequest& page) override;
  Page<Artist> ListByOwner(std::string_view owner_user_id, const PageRequest& page) override;

 private:
  Connection& conn_;
};

class SqliteAlbumRepository final : public AlbumRepository {
 public:
  explicit SqliteAlbumRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Album& album) override;
  std::optional<Album> FindById(std::string_view id) override;
  void Update(const Album& album) override;
  void Delete(std::string_view id) override;
  Page<Album> List(const PageRequest& page) override;
  Page<Album> ListByArtist(std::string_view artist_id, const PageRequest& page) override;

 private:
  Connection& conn_;
};

class SqliteTrackRepository final : public TrackRepository {
 public:
  explicit SqliteTrackRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Track& track) override;
  std::optional<Track> FindById(std::string_view id) override;
  void Update(const Track& track) override;
  void Delete(std::string_view id) override;
  Page<Track> List(const PageRequest& page) override;
  std::vector<Track> ListByAlbum(std::string_view album_id) override;
  std::int64_t StoredBytesOfOwner(std::string_view owner_user_id) override;

 private:
  Connection& conn_;
};

class SqlitePlaylistRepository final : public PlaylistRepository {
 public:
  explicit SqlitePlaylistRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Playlist& playlist) override;
  std::optional<Playlist> FindById(std::string_view id) override;
  void Update(const Playlist& playlist) override;
  void Delete(std::string_view id) override;
  Page<Playlist> ListVisibleTo(std::string_view user_id, bool include_public,
                               const PageRequest& page) override;
  // Positions are renumbered 0..n-1 in stored order: a deleted track leaves a hole behind.
  std::vector<PlaylistEntry> ListEntries(std::string_view playlist_id) override;
  // kNotFound when the playlist does not exist; kConflict naming the first missing track.
  // The entries' own `position` fields are ignored.
  void ReplaceEntries(std::string_view playlist_id,
                      const std::vector<PlaylistEntry>& entries) override;

 private:
  Connection& conn_;
};

class SqliteUploadRepository final : public UploadRepository {
 public:
  explicit SqliteUploadRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Upload& upload) override;
  std::optional<Upload> FindById(std::string_view id) override;
  std::optional<Upload> FindByBlobKey(std::string_view blob_key) override;
  void MarkCompleted(std::string_view id, std::int64_t size, Timestamp at) override;
  // Queues the slot's blob key for deletion unless a track uses it (a trigger does that).
  void Delete(std::string_view id) override;
  std::vector<Upload> ListExpired(Timestamp now, int limit) override;
  OpenSlots CountOpen(std::string_view user_id, Timestamp now) override;
  std::int64_t CompletedBytes(std::string_view user_id) override;

 private:
  Connection& conn_;
};

// Keys are queued by the catalog's triggers (deleted or replaced track, rendition and segment
// keys, abandoned upload slots) and by callers. An entry that ends in '/' is a *prefix*: it
// stands for every blob whose key starts with it (the folder of an abandoned transcode attempt,
// "renditions/<trackId>/<jobId>-<attempt>/"); the sweeper removes everything under it. Inserting
// a rendition or segment row takes its key off the queue, and with it any queued prefix of that
// key, so no blob a live row points to is ever deleted.
class SqliteBlobDeletionQueue final : public BlobDeletionQueue {
 public:
  explicit SqliteBlobDeletionQueue(Connection& conn) : conn_(conn) {}
  void Enqueue(std::string_view blob_key) override;   // queuing a queued key is a no-op
  std::vector<std::string> Peek(int limit) override;  // oldest first
  void Remove(std::string_view blob_key) override;    // removing an absent key is a no-op

 private:
  Connection& conn_;
};

// Jobs live in one row per (kind, subject_id). Lease, Renew, Complete and Retry write, so they
// work inside Catalog::Write only (inside Read they throw Error(kInternal)). Worker ids must be
// unique per worker (e.g. host, process and thread): the lease checks compare them.
class SqliteJobQueue final : public JobQueue {
 public:
  explicit SqliteJobQueue(Connection& conn) : conn_(conn) {}
  // An upsert on (kind, subject_id): a new row, or the existing one reset to the given job's id,
  // max_attempts, run_after and created_at with attempts 0, no lease and no last_error (its
  // current holder loses the lease); an empty owner_id keeps the row's owner. job.attempts,
  // lease and last_error are ignored.
  // kConflict when job.id is already another subject's job id.
  void Enqueue(const Job& job) override;
  // Among runnable jobs, ranked by (jobs the owner holds leased now + the job's rank among its
  // owner's runnable jobs by (run_after, created_at, id), the owner's last turn in job_turns,
  // run_after, created_at, id); jobs without an owner share one turn. Records the owner's turn.
  // Returns the job as leased: attempts already counts this lease. std::invalid_argument for
  // an empty worker_id (also for the three below).
  std::optional<Job> Lease(std::string_view kind, std::string_view worker_id, Timestamp now,
                           Timestamp lease_until) override;
  // True while lease_owner is still `worker_id`, even past lease_expires_at when nobody has
  // re-leased the job yet; false once it was re-leased, completed, retried or re-enqueued.
  bool Renew(std::string_view job_id, std::string_view worker_id, Timestamp lease_until) override;
  // Deletes the row when `worker_id` holds the lease (same rule as Renew).
  bool Complete(std::string_view job_id, std::string_view worker_id) override;
  // Clears the lease, sets run_after and last_error; attempts stay as counted by Lease, so a job
  // retried after its max_attempts-th lease is never leased again (a permanent failure that
  // stays in the table, last_error telling why).
  bool Retry(std::string_view job_id, std::string_view worker_id, Timestamp run_after,
             std::string_view error) override;
  // Whatever state the job is in, permanently failed included; usable inside Read as well.
  std::optional<Job> FindBySubject(std::string_view kind, std::string_view subject_id) override;
  std::int64_t CountActive(std::string_view owner_id) override;

 private:
  Connection& conn_;
};

class SqliteRenditionRepository final : public RenditionRepository {
 public:
  explicit SqliteRenditionRepository(Connection& conn) : conn_(conn) {}
  // kNotFound when the track does not exist. Deletes the track's renditions (their keys and
  // their segments' keys are queued for deletion), then inserts the new ones under `track_id`
  // with `name` = RenditionName(spec), segments stored with their own `index`. Keys the new set
  // uses are taken off the queue (exact keys and queued prefixes of them). kConflict for two
  // renditions with one spec, two segments with one index, or a blob key used twice.
  // std::invalid_argument when a rendition names another non-empty track_id.
  void ReplaceForTrack(std::string_view track_id,
                       const std::vector<Rendition>& renditions) override;
  // Ordered by codec (aac, opus, mp3) then bitrate, which is StandardRenditions() order; empty
  // for a track without renditions or no track.
  std::vector<Rendition> ListForTrack(std::string_view track_id) override;

 private:
  Connection& conn_;
};

// Appends need no lock of their own: the single writer hands out seq in commit order.
// ConsumerPosition's lock is the writer itself.
class SqliteEventOutbox final : public EventOutbox {
 public:
  explicit SqliteEventOutbox(Connection& conn) : conn_(conn) {}
  void Append(const Event& event) override;
  std::vector<OutboxRecord> ListAfter(std::int64_t after_seq, int limit) override;
  std::vector<OutboxRecord> ListUnpublished(int limit) override;
  void MarkPublished(const std::vector<std::int64_t>& seqs) override;
  std::int64_t ConsumerPosition(std::string_view consumer) override;
  void SetConsumerPosition(std::string_view consumer, std::int64_t seq) override;
  bool MarkConsumed(std::string_view consumer, std::string_view event_id, Timestamp at) override;
  std::int64_t ForgetConsumedBefore(Timestamp before, int limit) override;
  std::int64_t ForgetBefore(Timestamp recorded_before, std::int64_t up_to_seq,
                            bool require_published, int limit) override;

 private:
  Connection& conn_;
};

class SqliteListeningRepository final : public ListeningRepository {
 public:
  explicit SqliteListeningRepository(Connection& conn) : conn_(conn) {}
  bool StartPlayThrough(std::string_view user_id, std::string_view play_id,
                        std::string_view track_id, Timestamp at) override;
  std::optional<std::string> UncountedPlayThrough(std::string_view user_id,
                                                  std::string_view play_id) override;
  void MarkPlayThroughCounted(std::string_view user_id, std::string_view play_id) override;
  std::int64_t ForgetPlayThroughsBefore(Timestamp started_before, int limit) override;
  void AddTrackPlay(std::string_view track_id) override;
  void AddUserPlay(std::string_view user_id, std::string_view track_id, Timestamp at) override;
  void AddDailyPlay(std::string_view track_id, std::int64_t day) override;
  std::int64_t ForgetDailyPlaysBefore(std::int64_t day, int limit) override;
  std::int64_t TrackPlays(std::string_view track_id) override;
  std::optional<TrackListening> UserTrack(std::string_view user_id,
                                          std::string_view track_id) override;
  std::vector<TrackListening> RecentlyPlayed(std::string_view user_id, int limit,
                                             int offset) override;
  std::vector<TrackListening> MostPlayed(std::string_view user_id, int limit,
                                         int offset) override;
  std::vector<TrackListening> Popular(std::int64_t from_day, std::int64_t to_day, int limit,
                                      int offset) override;
  std::vector<TrackListening> TopTracksOfArtist(std::string_view artist_id, int limit,
                                                int offset) override;
  std::vector<std::string> NewReleaseAlbumIds(int limit, int offset) override;
  void AdvancePopularWindow(std::int64_t today) override;

 private:
  // The popularity window (popular_window.cc): its newest day, nullopt before any play.
  std::optional<std::int64_t> PopularWindowDay();
  // Counts a play of an existing track on `day` in the window when the day is inside it.
  void AddWindowPlay(std::string_view track_id, std::int64_t day);
  // The ranking read from the window; nullopt when [from_day, to_day] is not the window.
  std::optional<std::vector<TrackListening>> WindowPopular(std::int64_t from_day,
                                                           std::int64_t to_day, int limit,
                                                           int offset);

  Connection& conn_;
};

}  // namespace cadenza::sqlite
