#include "services/ingest/embedded_cover.h"

#include <exception>
#include <optional>
#include <string>

#include "domain/entities.h"
#include "services/album_cover.h"

namespace cadenza {

namespace {

// The album of the track when it has no cover yet.
std::optional<std::string> CoverlessAlbumOf(Catalog& catalog, std::string_view track_id) {
  return catalog.ReadValue([&](CatalogTransaction& tx) -> std::optional<std::string> {
    std::optional<Track> track = tx.tracks().FindById(track_id);
    if (!track) return std::nullopt;
    std::optional<Album> album = tx.albums().FindById(track->album_id);
    if (!album || album->cover_key) return std::nullopt;
    return album->id;
  });
}

}  // namespace

void AdoptEmbeddedCover(const CoverAdoption& with, std::string_view track_id,
                        std::string_view picture) {
  auto log = [&](const std::string& message) {
    if (with.log) with.log(message);
  };
  try {
    std::optional<std::string> album_id = CoverlessAlbumOf(with.catalog, track_id);
    if (!album_id) return;
    std::optional<Album> album = StoreAlbumCover(
        with.catalog, with.blobs, with.images, with.ids, with.clock, *album_id, picture,
        [](CatalogTransaction&, const Album& current) { return !current.cover_key.has_value(); });
    if (album) log("album " + *album_id + " takes its cover from track " + std::string(track_id));
  } catch (const std::exception& e) {
    log("track " + std::string(track_id) + ": embedded cover art not used: " + e.what());
  }
}

}  // namespace cadenza
