#pragma once
// Reads what an untrusted image claims to be from its headers alone, so that images too costly
// or of a kind a cover never needs are refused before a decoder sees them.
#include <cstddef>
#include <string_view>

#include "ports/image_processor.h"

namespace cadenza::ffmpeg {

enum class ImageFormat { kJpeg, kPng, kWebp };

struct ImageHeader {
  ImageFormat format = ImageFormat::kJpeg;
  int width = 0;
  int height = 0;
  int scans = 1;  // JPEG: start-of-scan segments
  // The bytes worth decoding: a JPEG's data ends at its end-of-image marker.
  std::size_t decode_bytes = 0;
};

// Identifies `bytes` by its magic and reads its header: a PNG's IHDR; a JPEG's whole segment
// structure (markers, lengths, entropy-coded data with stuffed bytes and restart markers);
// a WebP's RIFF chunks. Throws Error(kUnsupportedMedia, "cover art must be a JPEG, PNG or
// WebP image") for anything else, and Error(kUnprocessable) with the reason for a damaged
// header, a kind of image outside 8-bit PNG, 8-bit baseline or progressive JPEG and still
// WebP, or one over `limits` (sides, pixels, JPEG scans and scans times pixels).
ImageHeader InspectImage(std::string_view bytes, const ImageLimits& limits);

}  // namespace cadenza::ffmpeg
