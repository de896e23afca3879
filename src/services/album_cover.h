#pragma once
// Storing a new version of an album's cover, shared by the catalogue (uploads) and the ingest
// worker (embedded pictures).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "domain/entities.h"
#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/image_processor.h"
#include "services/id_generator.h"

namespace cadenza {

// Decodes `image_bytes` with `images` (no transaction open), stores every size under a new
// version prefix, then in one transaction loads the album, runs `check` on it (which may throw
// to refuse, or return false to leave the album alone) and points cover_key at the new
// version; a database trigger queues the old version. When the album is left alone or the
// transaction fails, the new version is queued for removal instead. Returns the album as
// stored, or nullopt when `check` returned false. Throws what MakeCovers, the blob store,
// `check` and the catalogue throw; NotFound("album not found") when the album is gone.
std::optional<Album> StoreAlbumCover(Catalog& catalog, BlobStore& blobs, ImageProcessor& images,
                                     const IdGenerator& ids, const Clock& clock,
                                     std::string_view album_id, std::string_view image_bytes,
                                     const std::function<bool(CatalogTransaction&, const Album&)>& check);

}  // namespace cadenza
