#pragma once
// Decodes untrusted images and re-encodes them as cover art. Implementation:
// adapters/ffmpeg/ffmpeg_image_processor.h.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza {

struct CoverImage {
  int size_px = 0;   // the square's edge, one of kCoverSizes (domain/cover.h)
  std::string jpeg;  // the encoded JPEG
};

// What an image may cost to decode. Every limit is checked from the headers, before a pixel
// is decoded, so a refused image costs a walk over its bytes and no more.
struct ImageLimits {
  std::int64_t max_bytes = 10 << 20;
  int max_dimension = 8000;  // refused when either side is larger
  // The largest cover is 1200 px square: 25 Mpx is a camera photo, and at most 4 bytes a
  // pixel (8-bit RGBA) keeps one decoded frame under 100 MB.
  std::int64_t max_pixels = 25'000'000;
  // Each scan of a progressive JPEG makes the decoder visit every block again. Encoders write
  // about 10 (libjpeg's default script: 10 for colour, 6 for grey); 32 leaves room for
  // hand-tuned scripts and refuses a scan repeated thousands of times.
  int max_jpeg_scans = 32;
  // Pixels times scans: the decoder's work. 20 scans of a 25 Mpx photo, or 32 of 15 Mpx.
  std::int64_t max_jpeg_scan_pixels = 500'000'000;
};

// Implementations are thread-safe (no shared state between calls) and blocking.
class ImageProcessor {
 public:
  virtual ~ImageProcessor() = default;

  // Decodes a JPEG, PNG or WebP image and re-encodes it as a centre-cropped square JPEG at
  // each of kCoverSizes that is <= the source's shorter side (at least the smallest size,
  // upscaled when the source is smaller), smallest first. Throws
  // Error(kUnsupportedMedia, "cover art must be a JPEG, PNG or WebP image") for other data,
  // Error(kTooLarge) when `bytes` exceeds limits.max_bytes, Error(kUnprocessable) for corrupt
  // images, for kinds a cover never needs (16-bit PNGs; lossless, hierarchical, arithmetic or
  // 12-bit JPEGs; animated WebP) and for images over `limits` (all refused from the headers,
  // before the pixels are decoded; the message says which limit). Implementations may run
  // the decode elsewhere and throw Error(kUnavailable) when they cannot take more work.
  virtual std::vector<CoverImage> MakeCovers(std::string_view bytes, const ImageLimits& limits) = 0;
};

}  // namespace cadenza
