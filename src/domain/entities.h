#pragma once
// The catalogue's entities as the seed names them. Plain values: no behaviour, no I/O.
// Ids are opaque strings (UUIDv7 text, see ids.h); timestamps are UTC milliseconds.
#include <cstdint>
#include <optional>
#include <string>

#include "domain/media.h"
#include "domain/role.h"
#include "domain/time.h"

namespace cadenza {

struct User {
  std::string id;
  std::string email;          // stored as given; unique case-insensitively
  std::string password_hash;  // Argon2id encoded string; never leaves the services layer
  std::string display_name;
  Role role = Role::kListener;
  std::optional<Timestamp> disabled_at;  // disabled accounts cannot log in or use tokens
  // Carried in every access and media token; bumped to revoke all tokens issued before.
  std::int64_t token_version = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// An artist is a catalogue entity owned by an artist account (a label account may own many).
struct Artist {
  std::string id;
  std::string owner_user_id;
  std::string name;
  std::optional<std::string> bio;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Album {
  std::string id;
  std::string artist_id;
  std::string title;
  std::optional<std::string> release_date;  // YYYY-MM-DD
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  // Blob prefix of the current cover version ("covers/<albumId>/<versionId>/"), holding one
  // "<size>.jpg" per size of kCoverSizes (domain/cover.h) up to the source's; none = no cover.
  std::optional<std::string> cover_key;
  int cover_max_px = 0;  // the largest size under cover_key; 0 without a cover
};

struct Track {
  std::string id;
  std::string album_id;
  std::string title;
  std::optional<int> track_number;
  std::string blob_key;        // the original upload in the blob store
  std::int64_t blob_size = 0;  // bytes
  TrackStatus status = TrackStatus::kProcessing;
  double progress = 0;                      // 0..1 while processing
  std::optional<std::string> error;         // why processing failed, for people
  std::optional<std::int64_t> duration_ms;  // known once probed
  std::optional<Loudness> loudness;         // known once ready
  TrackTags tags;                           // known once probed
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct Playlist {
  std::string id;
  std::string owner_user_id;
  std::string name;
  std::optional<std::string> description;
  bool is_public = false;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

struct PlaylistEntry {
  int position = 0;  // 0-based, dense
  std::string track_id;
  Timestamp added_at = 0;
};

// A pre-signed upload slot: issued to one user, for one blob key, until it expires. The PUT
// marks it completed with the stored size; a POST/PATCH on tracks claims it. Slots that are
// never claimed are swept (blob and row) after they expire.
struct Upload {
  std::string id;
  std::string user_id;
  std::string blob_key;
  std::optional<std::string> track_id;  // set for a replacement issued by update-url
  std::int64_t max_bytes = 0;
  Timestamp expires_at = 0;
  std::optional<std::int64_t> size;     // set once the bytes are stored
  std::optional<Timestamp> completed_at;
  Timestamp created_at = 0;
};

}  // namespace cadenza
