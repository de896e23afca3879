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

 private:
  Connection& conn_;
};

class SqliteBlobDeletionQueue final : public BlobDeletionQueue {
 public:
  explicit SqliteBlobDeletionQueue(Connection& conn) : conn_(conn) {}
  void Enqueue(std::string_view blob_key) override;   // queuing a queued key is a no-op
  std::vector<std::string> Peek(int limit) override;  // oldest first
  void Remove(std::string_view blob_key) override;    // removing an absent key is a no-op

 private:
  Connection& conn_;
};

}  // namespace cadenza::sqlite
