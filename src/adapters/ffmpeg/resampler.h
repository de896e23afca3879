#pragma once
#include "adapters/ffmpeg/av_handles.h"
#include "adapters/ffmpeg/pcm_chunk.h"

namespace cadenza::ffmpeg {

// Converts the decoded source (interleaved float, source rate and layout) to planar float at
// one target rate, in mono or stereo (more channels are downmixed to stereo). One per target
// rate: every encoder at that rate shares its output. Not thread-safe.
class Resampler {
 public:
  // Throws std::runtime_error when libswresample rejects the conversion.
  Resampler(const AVChannelLayout& in_layout, int in_rate, int out_channels, int out_rate);

  int out_rate() const { return out_rate_; }
  int out_channels() const { return out_channels_; }

  // Returns the converted block (possibly empty: the filter holds back a few samples).
  PcmChunkPtr Convert(const float* samples, int frames);
  // Returns the samples still held back, at the end of the input.
  PcmChunkPtr Flush();

 private:
  PcmChunkPtr Run(const float* samples, int frames);

  SwrPtr swr_;
  int out_channels_;
  int out_rate_;
};

}  // namespace cadenza::ffmpeg
