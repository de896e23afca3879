#pragma once
// ImageProcessor on libavcodec (mjpeg, png and webp decoders; the mjpeg encoder) and
// libswscale. The decoder is picked from the data's magic bytes, never from a client's
// Content-Type, and is opened with max_pixels so that libavcodec itself refuses oversized
// images while parsing their headers, before it allocates a frame.
#include "ports/image_processor.h"

namespace cadenza {

// Stateless: thread-safe.
class FfmpegImageProcessor final : public ImageProcessor {
 public:
  FfmpegImageProcessor();  // silences FFmpeg's own logging, once per process
  std::vector<CoverImage> MakeCovers(std::string_view bytes, const ImageLimits& limits) override;
};

}  // namespace cadenza
