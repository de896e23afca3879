#pragma once
// The catalogue's artists and albums, and their cover art (tracks and uploads live in
// track_service.h).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "domain/pagination.h"
#include "domain/principal.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/image_processor.h"
#include "services/id_generator.h"

namespace cadenza {

struct ArtistDraft {
  std::string name;                // 1..200 characters, one line
  std::optional<std::string> bio;  // 0..5000 characters, line breaks allowed; empty = none
};

// Absent members are left alone; an empty `bio` clears it.
struct ArtistPatch {
  std::optional<std::string> name;
  std::optional<std::string> bio;
};

struct AlbumDraft {
  std::string artist_id;
  std::string title;                        // 1..200 characters, one line
  std::optional<std::string> release_date;  // YYYY-MM-DD, a real calendar date
};

// Absent members are left alone; an empty `release_date` clears it. A new `artist_id` moves
// the album, which requires owning both artists.
struct AlbumPatch {
  std::optional<std::string> artist_id;
  std::optional<std::string> title;
  std::optional<std::string> release_date;
};

struct AlbumWithTracks {
  Album album;
  std::vector<Track> tracks;  // play order
};

// One stored size of an album's cover, opened for reading. The blobs of a cover version never
// change (a new cover is a new version), so these bytes are immutable.
struct CoverFile {
  std::string content_type;            // "image/jpeg": every size is re-encoded as JPEG
  std::string blob_key;                // from the album row, never from request text
  std::int64_t size = 0;               // bytes (0 when `direct` is set: not asked)
  std::unique_ptr<BlobReader> reader;  // the blob's bytes; nullptr when `direct` is set
  // With a store that serves clients directly: its read grant for `blob_key`, valid for
  // kCoverGrantTtl (or the store's cap), to send the client to instead of relaying bytes.
  std::optional<BlobGrant> direct;
};

// How long a direct store's cover grant is asked to last: well beyond any cache of the
// redirect to it.
inline constexpr std::chrono::seconds kCoverGrantTtl{std::chrono::hours(1)};

// Thread-safe; every method blocks on the database. Reads need kReadCatalog; creating an
// artist needs kCreateCatalog and makes the caller its owner; changing an artist or its albums
// needs kModifyCatalog on the artist's owner (admins may change anything). Failures throw
// cadenza::Error: kInvalidArgument naming the field (name, bio, title, releaseDate, artistId),
// kPermissionDenied, kNotFound "artist not found" / "album not found", kUnprocessable with
// field artistId when a referenced artist does not exist.
class CatalogService {
 public:
  // `blobs` stores cover art; `images` decodes and re-encodes it.
  CatalogService(Catalog& catalog, BlobStore& blobs, ImageProcessor& images, const IdGenerator& ids,
                 const Clock& clock);

  Artist CreateArtist(const Principal& who, const ArtistDraft& draft);
  Artist GetArtist(const Principal& who, std::string_view id);
  // Everyone's artists, or with `mine_only` the caller's own (an artist's studio).
  Page<Artist> ListArtists(const Principal& who, const PageRequest& page, bool mine_only = false);
  Artist UpdateArtist(const Principal& who, std::string_view id, const ArtistPatch& patch);
  // Deletes the artist with its albums and tracks (their blobs are queued for removal).
  void DeleteArtist(const Principal& who, std::string_view id);

  Album CreateAlbum(const Principal& who, const AlbumDraft& draft);
  AlbumWithTracks GetAlbum(const Principal& who, std::string_view id);
  Page<Album> ListAlbums(const Principal& who, const PageRequest& page);
  // kNotFound "artist not found" when the artist does not exist.
  Page<Album> ListAlbumsByArtist(const Principal& who, std::string_view artist_id,
                                 const PageRequest& page);
  Album UpdateAlbum(const Principal& who, std::string_view id, const AlbumPatch& patch);
  // Deletes the album with its tracks (their blobs are queued for removal).
  void DeleteAlbum(const Principal& who, std::string_view id);

  // Replaces the album's cover with `image_bytes` (JPEG, PNG or WebP) re-encoded at the sizes
  // of kCoverSizes (ports/image_processor.h); the old version's blobs are queued for removal.
  // Needs kModifyCatalog on the album's artist's owner (checked before decoding). Throws
  // kNotFound, kPermissionDenied, and kTooLarge/kUnsupportedMedia/kUnprocessable from
  // ImageProcessor::MakeCovers.
  Album SetAlbumCover(const Principal& who, std::string_view album_id, std::string_view image_bytes);

  // The `size_px` square of the album's cover version `version` (the version id the album's
  // cover_key names). No caller: cover art is public. Only the album's current version opens:
  // a replaced one is "cover not found" at once, even while its blobs wait for the janitor, so
  // a cover that was taken down stops being served without waiting for the sweep (copies
  // already cached stay valid, since a version's bytes never change). Throws Error(kNotFound):
  // "no such cover size" when `size_px` is not one of kCoverSizes (checked before the
  // database is read); "album not found"; "cover not found" when the album has no cover or
  // another version, when `size_px` is above the largest size stored (no size is made larger
  // than the source), or when the blob is missing from the store. With a store that serves
  // clients directly, the blob is not opened: after the same checks of the album row the
  // file carries the store's read grant (`direct`), and a missing blob is the store's 404.
  CoverFile OpenCover(std::string_view album_id, std::string_view version, int size_px);

 private:
  void AuthorizeAlbumOwner(const Principal& who, std::string_view album_id);

  Catalog& catalog_;
  BlobStore& blobs_;
  ImageProcessor& images_;
  const IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace cadenza
