#include "services/catalog_service.h"

#include <utility>

#include "domain/cover.h"
#include "domain/error.h"
#include "domain/permissions.h"
#include "services/album_cover.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

std::optional<std::string> CheckBio(const std::optional<std::string>& bio) {
  if (!bio) return std::nullopt;
  std::string checked = CheckText(*bio, "bio", kBioLimits);
  if (checked.empty()) return std::nullopt;
  return checked;
}

// Empty means "no date".
std::optional<std::string> CheckReleaseDate(const std::optional<std::string>& date) {
  if (!date || date->empty()) return std::nullopt;
  if (!IsCalendarDate(*date)) {
    throw InvalidArgument("releaseDate", "releaseDate must be a calendar date as YYYY-MM-DD");
  }
  return *date;
}

Artist LoadArtist(CatalogTransaction& tx, std::string_view id) {
  std::optional<Artist> artist = tx.artists().FindById(id);
  if (!artist) throw NotFound("artist not found");
  return std::move(*artist);
}

Album LoadAlbum(CatalogTransaction& tx, std::string_view id) {
  std::optional<Album> album = tx.albums().FindById(id);
  if (!album) throw NotFound("album not found");
  return std::move(*album);
}

// The artist an album is (to be) filed under; kUnprocessable because the request is
// well-formed but names something that does not exist.
Artist ReferencedArtist(CatalogTransaction& tx, std::string_view id) {
  std::optional<Artist> artist = tx.artists().FindById(id);
  if (!artist) throw Error(ErrorCode::kUnprocessable, "artist not found", "artistId");
  return std::move(*artist);
}

void AuthorizeOwner(const Principal& who, const Artist& artist) {
  Resource resource{artist.owner_user_id};
  Authorize(who, Action::kModifyCatalog, &resource);
}

}  // namespace

CatalogService::CatalogService(Catalog& catalog, BlobStore& blobs, ImageProcessor& images,
                               const IdGenerator& ids, const Clock& clock)
    : catalog_(catalog), blobs_(blobs), images_(images), ids_(ids), clock_(clock) {}

Artist CatalogService::CreateArtist(const Principal& who, const ArtistDraft& draft) {
  Authorize(who, Action::kCreateCatalog);
  Artist artist;
  artist.name = CheckText(draft.name, "name", kNameLimits);
  artist.bio = CheckBio(draft.bio);
  artist.id = ids_.Next();
  artist.owner_user_id = who.user_id;
  artist.created_at = artist.updated_at = clock_.Now();
  catalog_.Write([&](CatalogTransaction& tx) { tx.artists().Insert(artist); });
  return artist;
}

Artist CatalogService::GetArtist(const Principal& who, std::string_view id) {
  Authorize(who, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) { return LoadArtist(tx, id); });
}

Page<Artist> CatalogService::ListArtists(const Principal& who, const PageRequest& page,
                                         bool mine_only) {
  Authorize(who, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    return mine_only ? tx.artists().ListByOwner(who.user_id, page) : tx.artists().List(page);
  });
}

Artist CatalogService::UpdateArtist(const Principal& who, std::string_view id,
                                    const ArtistPatch& patch) {
  std::optional<std::string> name;
  if (patch.name) name = CheckText(*patch.name, "name", kNameLimits);
  std::optional<std::string> bio = CheckBio(patch.bio);
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Artist artist = LoadArtist(tx, id);
    AuthorizeOwner(who, artist);
    if (name) artist.name = *name;
    if (patch.bio) artist.bio = bio;
    artist.updated_at = clock_.Now();
    tx.artists().Update(artist);
    return artist;
  });
}

void CatalogService::DeleteArtist(const Principal& who, std::string_view id) {
  catalog_.Write([&](CatalogTransaction& tx) {
    Artist artist = LoadArtist(tx, id);
    AuthorizeOwner(who, artist);
    tx.artists().Delete(id);
  });
}

Album CatalogService::CreateAlbum(const Principal& who, const AlbumDraft& draft) {
  Authorize(who, Action::kCreateCatalog);
  Album album;
  album.title = CheckText(draft.title, "title", kTitleLimits);
  album.release_date = CheckReleaseDate(draft.release_date);
  album.artist_id = draft.artist_id;
  album.id = ids_.Next();
  album.created_at = album.updated_at = clock_.Now();
  catalog_.Write([&](CatalogTransaction& tx) {
    AuthorizeOwner(who, ReferencedArtist(tx, album.artist_id));
    tx.albums().Insert(album);
  });
  return album;
}

AlbumWithTracks CatalogService::GetAlbum(const Principal& who, std::string_view id) {
  Authorize(who, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    AlbumWithTracks out;
    out.album = LoadAlbum(tx, id);
    out.tracks = tx.tracks().ListByAlbum(id);
    return out;
  });
}

Page<Album> CatalogService::ListAlbums(const Principal& who, const PageRequest& page) {
  Authorize(who, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) { return tx.albums().List(page); });
}

Page<Album> CatalogService::ListAlbumsByArtist(const Principal& who, std::string_view artist_id,
                                               const PageRequest& page) {
  Authorize(who, Action::kReadCatalog);
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    LoadArtist(tx, artist_id);
    return tx.albums().ListByArtist(artist_id, page);
  });
}

Album CatalogService::UpdateAlbum(const Principal& who, std::string_view id,
                                  const AlbumPatch& patch) {
  std::optional<std::string> title;
  if (patch.title) title = CheckText(*patch.title, "title", kTitleLimits);
  std::optional<std::string> release_date = CheckReleaseDate(patch.release_date);
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    Album album = LoadAlbum(tx, id);
    AuthorizeOwner(who, LoadArtist(tx, album.artist_id));
    if (patch.artist_id && *patch.artist_id != album.artist_id) {
      AuthorizeOwner(who, ReferencedArtist(tx, *patch.artist_id));
      album.artist_id = *patch.artist_id;
    }
    if (title) album.title = *title;
    if (patch.release_date) album.release_date = release_date;
    album.updated_at = clock_.Now();
    tx.albums().Update(album);
    return album;
  });
}

void CatalogService::DeleteAlbum(const Principal& who, std::string_view id) {
  catalog_.Write([&](CatalogTransaction& tx) {
    Album album = LoadAlbum(tx, id);
    AuthorizeOwner(who, LoadArtist(tx, album.artist_id));
    tx.albums().Delete(id);
  });
}

void CatalogService::AuthorizeAlbumOwner(const Principal& who, std::string_view album_id) {
  catalog_.Read([&](CatalogTransaction& tx) {
    AuthorizeOwner(who, LoadArtist(tx, LoadAlbum(tx, album_id).artist_id));
  });
}

Album CatalogService::SetAlbumCover(const Principal& who, std::string_view album_id,
                                    std::string_view image_bytes) {
  // Checked first so that nobody can make the server decode images for albums they do not own;
  // checked again in the write, since the album may have moved meanwhile.
  AuthorizeAlbumOwner(who, album_id);
  std::optional<Album> album = StoreAlbumCover(
      catalog_, blobs_, images_, ids_, clock_, album_id, image_bytes,
      [&](CatalogTransaction& tx, const Album& current) {
        AuthorizeOwner(who, LoadArtist(tx, current.artist_id));
        return true;
      });
  return std::move(*album);
}

CoverFile CatalogService::OpenCover(std::string_view album_id, std::string_view version,
                                    int size_px) {
  if (!IsCoverSize(size_px)) throw NotFound("no such cover size");
  std::string blob_key = catalog_.ReadValue([&](CatalogTransaction& tx) {
    Album album = LoadAlbum(tx, album_id);
    if (album.cover_key != CoverPrefix(album_id, version) || size_px > album.cover_max_px) {
      throw NotFound("cover not found");
    }
    return CoverKey(*album.cover_key, size_px);
  });
  CoverFile file;
  file.content_type = "image/jpeg";
  if (blobs_.ServesClientsDirectly()) {
    BlobGrantRequest request;
    request.access = BlobAccess::kRead;
    request.key = blob_key;
    request.content_type = file.content_type;
    // As the cover route answers: a new cover is a new version, so these bytes never change.
    request.cache_control = "public, max-age=31536000, immutable";
    request.expires_at =
        clock_.Now() +
        std::chrono::duration_cast<std::chrono::milliseconds>(kCoverGrantTtl).count();
    file.direct = blobs_.Grant(request);
    file.blob_key = std::move(blob_key);
    return file;
  }
  file.reader = blobs_.Open(blob_key);
  // The row was read first: the cover may have been replaced and its blobs swept since.
  if (!file.reader) throw NotFound("cover not found");
  file.size = file.reader->size();
  file.blob_key = std::move(blob_key);
  return file;
}

}  // namespace cadenza
