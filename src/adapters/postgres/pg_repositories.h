#pragma once
// The Catalog port's repositories over one PostgreSQL connection, valid for one transaction.
// Parameterised SQL only; writes run in a savepoint (Connection::ExecGuarded) so that a
// refused statement leaves the transaction usable. Behaviour: see postgres_catalog.h.
#include "adapters/postgres/pg_connection.h"
#include "ports/catalog.h"

namespace cadenza::pg {

class PgUserRepository final : public UserRepository {
 public:
  explicit PgUserRepository(Connection& conn) : conn_(conn) {}
  void Insert(const User& user) override;
  std::optional<User> FindById(std::string_view id) override;
  std::optional<User> FindByEmail(std::string_view email) override;
  void Update(const User& user) override;
  void Delete(std::string_view id) override;
  Page<User> List(const PageRequest& page) override;

 private:
  Connection& conn_;
};

class PgArtistRepository final : public ArtistRepository {
 public:
  explicit PgArtistRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Artist& artist) override;
  std::optional<Artist> FindById(std::string_view id) override;
  void Update(const Artist& artist) override;
  void Delete(std::string_view id) override;
  Page<Artist> List(const PageRequest& page) override;
  Page<Artist> ListByOwner(std::string_view owner_user_id, const PageRequest& page) override;

 private:
  Connection& conn_;
};

class PgAlbumRepository final : public AlbumRepository {
 public:
  explicit PgAlbumRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Album& album) override;
  std::optional<Album> FindById(std::string_view id) override;
  void Update(const Album& album) override;
  void Delete(std::string_view id) override;
  Page<Album> List(const PageRequest& page) override;
  Page<Album> ListByArtist(std::string_view artist_id, const PageRequest& page) override;

 private:
  Connection& conn_;
};

class PgTrackRepository final : public TrackRepository {
 public:
  explicit PgTrackRepository(Connection& conn) : conn_(conn) {}
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

class PgPlaylistRepository final : public PlaylistRepository {
 public:
  explicit PgPlaylistRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Playlist& playlist) override;
  std::optional<Playlist> FindById(std::string_view id) override;
  void Update(const Playlist& playlist) override;
  void Delete(std::string_view id) override;
  Page<Playlist> ListVisibleTo(std::string_view user_id, bool include_public,
                               const PageRequest& page) override;
  // Positions renumbered 0..n-1 in stored order (a deleted track leaves a hole behind).
  std::vector<PlaylistEntry> ListEntries(std::string_view playlist_id) override;
  // kNotFound without the playlist; kConflict naming the first missing track.
  void ReplaceEntries(std::string_view playlist_id,
                      const std::vector<PlaylistEntry>& entries) override;

 private:
  Connection& conn_;
};

class PgUploadRepository final : public UploadRepository {
 public:
  explicit PgUploadRepository(Connection& conn) : conn_(conn) {}
  void Insert(const Upload& upload) override;
  std::optional<Upload> FindById(std::string_view id) override;
  std::optional<Upload> FindByBlobKey(std::string_view blob_key) override;
  void MarkCompleted(std::string_view id, std::int64_t size, Timestamp at) override;
  void Delete(std::string_view id) override;
  std::vector<Upload> ListExpired(Timestamp now, int limit) override;
  OpenSlots CountOpen(std::string_view user_id, Timestamp now) override;
  std::int64_t CompletedBytes(std::string_view user_id) override;

 private:
  Connection& conn_;
};

class PgBlobDeletionQueue final : public BlobDeletionQueue {
 public:
  explicit PgBlobDeletionQueue(Connection& conn) : conn_(conn) {}
  void Enqueue(std::string_view blob_key) override;   // queuing a queued key is a no-op
  std::vector<std::string> Peek(int limit) override;  // oldest first
  void Remove(std::string_view blob_key) override;    // removing an absent key is a no-op

 private:
  Connection& conn_;
};

// Same contract as SqliteJobQueue (adapters/sqlite/repositories.h); Lease skips jobs that
// another open transaction has locked (FOR UPDATE SKIP LOCKED).
class PgJobQueue final : public JobQueue {
 public:
  explicit PgJobQueue(Connection& conn) : conn_(conn) {}
  void Enqueue(const Job& job) override;
  std::optional<Job> Lease(std::string_view kind, std::string_view worker_id, Timestamp now,
                           Timestamp lease_until) override;
  bool Renew(std::string_view job_id, std::string_view worker_id, Timestamp lease_until) override;
  bool Complete(std::string_view job_id, std::string_view worker_id) override;
  bool Retry(std::string_view job_id, std::string_view worker_id, Timestamp run_after,
             std::string_view error) override;
  std::optional<Job> FindBySubject(std::string_view kind, std::string_view subject_id) override;
  std::int64_t CountActive(std::string_view owner_id) override;

 private:
  Connection& conn_;
};

// Same contract as SqliteRenditionRepository (adapters/sqlite/repositories.h).
class PgRenditionRepository final : public RenditionRepository {
 public:
  explicit PgRenditionRepository(Connection& conn) : conn_(conn) {}
  void ReplaceForTrack(std::string_view track_id,
                       const std::vector<Rendition>& renditions) override;
  std::vector<Rendition> ListForTrack(std::string_view track_id) override;

 private:
  Connection& conn_;
};

// Appends serialize on a transaction-scoped advisory lock (pg_event_outbox.cc) so that seq
// order is commit order. ConsumerPosition locks the consumer's row (FOR UPDATE): write
// transactions only.
class PgEventOutbox final : public EventOutbox {
 public:
  explicit PgEventOutbox(Connection& conn) : conn_(conn) {}
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

class PgListeningRepository final : public ListeningRepository {
 public:
  explicit PgListeningRepository(Connection& conn) : conn_(conn) {}
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
  // The popularity window (pg_popular_window.cc): its newest day, nullopt before any play.
  std::optional<std::int64_t> PopularWindowDay();
  // Counts a play of an existing track on `day` in the window when the day is inside it.
  void AddWindowPlay(std::string_view track_id, std::int64_t day);
  // The ranking read from the window; nullopt when [from_day, to_day] is not the window.
  std::optional<std::vector<TrackListening>> WindowPopular(std::int64_t from_day,
                                                           std::int64_t to_day, int limit,
                                                           int offset);

  Connection& conn_;
};

}  // namespace cadenza::pg
