#include "services/album_cover.h"

#include <exception>
#include <vector>

#include "domain/cover.h"
#include "domain/error.h"

namespace cadenza {

std::optional<Album> StoreAlbumCover(
    Catalog& catalog, BlobStore& blobs, ImageProcessor& images, const IdGenerator& ids,
    const Clock& clock, std::string_view album_id, std::string_view image_bytes,
    const std::function<bool(CatalogTransaction&, const Album&)>& check) {
  // Decoding is slow and untrusted: it happens before any transaction holds the writer lock.
  std::vector<CoverImage> covers = images.MakeCovers(image_bytes, ImageLimits{});
  const std::string prefix = CoverPrefix(album_id, ids.Next());
  std::optional<Album> stored;
  bool committed = false;
  try {
    for (const CoverImage& cover : covers) blobs.Put(CoverKey(prefix, cover.size_px), cover.jpeg);
    catalog.Write([&](CatalogTransaction& tx) {
      std::optional<Album> album = tx.albums().FindById(album_id);
      if (!album) throw NotFound("album not found");
      if (!check(tx, *album)) return;
      album->cover_key = prefix;
      album->cover_max_px = covers.back().size_px;
      album->updated_at = clock.Now();
      tx.albums().Update(*album);
      stored = std::move(album);
    });
    committed = stored.has_value();
  } catch (...) {
    // Best effort: if even this fails, the blobs are orphans under a fresh prefix, which no
    // row references.
    try {
      catalog.Write([&](CatalogTransaction& tx) { tx.blob_deletions().Enqueue(prefix); });
    } catch (const std::exception&) {
    }
    throw;
  }
  if (!committed) {
    catalog.Write([&](CatalogTransaction& tx) { tx.blob_deletions().Enqueue(prefix); });
  }
  return stored;
}

}  // namespace cadenza
