#pragma once
// Entity builders and error probes shared by the catalog tests of every adapter.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.h"
#include "ports/catalog.h"

namespace cadenza::testing {

using Strings = std::vector<std::string>;

// The code of the cadenza::Error that `fn` throws; nullopt when it throws nothing.
inline std::optional<ErrorCode> ThrownCode(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

// The message of the cadenza::Error that `fn` throws; empty when it throws nothing.
inline std::string ThrownMessage(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

inline User MakeUser(std::string id, std::string email, Role role = Role::kArtist) {
  User user;
  user.id = std::move(id);
  user.email = std::move(email);
  user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  user.display_name = "Display " + user.id;
  user.role = role;
  user.created_at = 1700000000000;
  user.updated_at = 1700000000001;
  return user;
}

inline Artist MakeArtist(std::string id, std::string owner_user_id) {
  Artist artist;
  artist.id = std::move(id);
  artist.owner_user_id = std::move(owner_user_id);
  artist.name = "Artist " + artist.id;
  artist.created_at = 1700000000100;
  artist.updated_at = 1700000000100;
  return artist;
}

inline Album MakeAlbum(std::string id, std::string artist_id) {
  Album album;
  album.id = std::move(id);
  album.artist_id = std::move(artist_id);
  album.title = "Album " + album.id;
  album.created_at = 1700000000200;
  album.updated_at = 1700000000200;
  return album;
}

inline Track MakeTrack(std::string id, std::string album_id, std::optional<int> number = {}) {
  Track track;
  track.id = std::move(id);
  track.album_id = std::move(album_id);
  track.title = "Track " + track.id;
  track.track_number = number;
  track.blob_key = "originals/" + track.id + ".flac";
  track.blob_size = 1234567;
  track.created_at = 1700000000300;
  track.updated_at = 1700000000300;
  return track;
}

inline Playlist MakePlaylist(std::string id, std::string owner_user_id, bool is_public = false) {
  Playlist playlist;
  playlist.id = std::move(id);
  playlist.owner_user_id = std::move(owner_user_id);
  playlist.name = "Playlist " + playlist.id;
  playlist.is_public = is_public;
  playlist.created_at = 1700000000400;
  playlist.updated_at = 1700000000400;
  return playlist;
}

inline Upload MakeUpload(std::string id, std::string user_id, std::string blob_key) {
  Upload upload;
  upload.id = std::move(id);
  upload.user_id = std::move(user_id);
  upload.blob_key = std::move(blob_key);
  upload.max_bytes = 200 * 1024 * 1024;
  upload.expires_at = 1700000900000;
  upload.created_at = 1700000000500;
  return upload;
}

}  // namespace cadenza::testing
