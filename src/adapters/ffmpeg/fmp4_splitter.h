#pragma once
#include <filesystem>
#include <vector>

#include "ports/transcoder.h"

namespace cadenza::ffmpeg {

struct SplitFmp4 {
  EncodedFile init;                   // ftyp + moov, no samples; duration 0
  std::vector<EncodedFile> segments;  // each one fragment: [styp|sidx] moof + mdat
};

// Splits a fragmented MP4 file (one audio track) at its top-level box boundaries into
// `folder`/init.mp4 and `folder`/seg-00000.m4s, seg-00001.m4s, ... Each segment's duration is
// the sum of its samples' durations as the moof states them (trun, tfhd or trex defaults), in
// the track's timescale. A trailing mfra is dropped (CMAF segments do not use it).
// Throws std::runtime_error when the file is not laid out that way (a bug, not bad input).
SplitFmp4 SplitFragmentedMp4(const std::filesystem::path& file,
                             const std::filesystem::path& folder);

}  // namespace cadenza::ffmpeg
