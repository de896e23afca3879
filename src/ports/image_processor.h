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

struct ImageLimits {
  std::int64_t max_bytes = 10 << 20;
  int max_dimension = 8000;  // refused when either side is larger
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
  // images or a side over limits.max_dimension (refused before the pixels are decoded).
  virtual std::vector<CoverImage> MakeCovers(std::string_view bytes, const ImageLimits& limits) = 0;
};

}  // namespace cadenza
