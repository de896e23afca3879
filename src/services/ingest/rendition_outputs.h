#pragma once
// What a transcode produced, as the rendition rows the catalogue will hold and the files to
// store for them: every blob key under the attempt's prefix, named by media/layout.h, every
// size measured from the file and every bitrate from media/bitrates.h. Touches only the local
// files (to measure them); storing them is output_store.h's.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "domain/media.h"
#include "ports/transcoder.h"

namespace cadenza {

// One local file to store under one blob key.
struct OutputFile {
  std::string key;
  std::filesystem::path path;
};

struct RenditionOutputs {
  std::vector<Rendition> renditions;  // in the transcoder's order, ready for ReplaceForTrack
  std::vector<OutputFile> files;      // every file the rows point to, each once
};

// The rows and files of `encoded` for track `track_id` under blob prefix `prefix`
// (RenditionPrefix): a CMAF rendition's init segment and numbered segments, a progressive
// rendition's single file. Sizes are the files' sizes (a CMAF rendition's includes its init
// segment); average and peak bitrates are measured over them. Throws std::filesystem_error
// for a missing output file and std::out_of_range for more segments than layout.h can name.
RenditionOutputs PlanRenditionOutputs(const std::vector<EncodedRendition>& encoded,
                                      std::string_view track_id, std::string_view prefix);

}  // namespace cadenza
