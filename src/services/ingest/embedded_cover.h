#pragma once
// A track's embedded picture becomes its album's cover when the album has none.
#include <functional>
#include <string_view>

#include "ports/blob_store.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/image_processor.h"
#include "services/id_generator.h"

namespace cadenza {

struct CoverAdoption {
  Catalog& catalog;
  BlobStore& blobs;
  ImageProcessor& images;
  const IdGenerator& ids;
  const Clock& clock;
  std::function<void(std::string_view message)> log;  // may be empty
};

// Stores `picture` as the cover of track `track_id`'s album (services/album_cover.h) unless
// the track is gone or its album already has a cover, then or by the time the cover commits
// (another track or an upload that set one meanwhile wins). Best effort: never throws; a
// picture that cannot be used is logged, and the track stays as it is. Blocking; thread-safe.
void AdoptEmbeddedCover(const CoverAdoption& with, std::string_view track_id,
                        std::string_view picture);

}  // namespace cadenza
