#pragma once
#include "adapters/ffmpeg/av_handles.h"
#include "domain/media.h"

namespace cadenza::ffmpeg {

// EBU R128 integrated loudness and true peak of the source (all its channels, LFE ignored),
// measured with libebur128. Not thread-safe.
class LoudnessMeter {
 public:
  // Silence (or audio too short to gate) reports this instead of -inf, with gain 0: a player
  // must not boost a silent track by 56 dB.
  static constexpr double kFloorDb = -70.0;

  // Throws std::runtime_error when libebur128 rejects the format.
  LoudnessMeter(const AVChannelLayout& layout, int sample_rate);

  // `samples` holds `frames` interleaved float frames in the layout given above.
  void Add(const float* samples, int frames);
  Loudness Result() const;

 private:
  Ebur128Ptr state_;
  int channels_;
};

}  // namespace cadenza::ffmpeg
