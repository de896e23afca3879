#include "adapters/ffmpeg/loudness_meter.h"

#include <cmath>
#include <stdexcept>

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace cadenza::ffmpeg {
namespace {

int ChannelWeight(AVChannel channel) {
  switch (channel) {
    case AV_CHAN_FRONT_LEFT:
      return EBUR128_LEFT;
    case AV_CHAN_FRONT_RIGHT:
      return EBUR128_RIGHT;
    case AV_CHAN_FRONT_CENTER:
      return EBUR128_CENTER;
    case AV_CHAN_LOW_FREQUENCY:
    case AV_CHAN_LOW_FREQUENCY_2:
      return EBUR128_UNUSED;  // BS.1770 ignores the LFE
    case AV_CHAN_BACK_LEFT:
    case AV_CHAN_SIDE_LEFT:
      return EBUR128_LEFT_SURROUND;
    case AV_CHAN_BACK_RIGHT:
    case AV_CHAN_SIDE_RIGHT:
      return EBUR128_RIGHT_SURROUND;
    default:
      return EBUR128_CENTER;  // weight 1.0, as BS.1770 gives front channels
  }
}

}  // namespace

LoudnessMeter::LoudnessMeter(const AVChannelLayout& layout, int sample_rate)
    : state_(ebur128_init(static_cast<unsigned>(layout.nb_channels),
                          static_cast<unsigned long>(sample_rate),
                          EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK)),
      channels_(layout.nb_channels) {
  if (!state_) throw std::runtime_error("libebur128 cannot measure this format");
  if (channels_ > 1) {  // a mono file keeps libebur128's default (weight 1.0)
    for (int i = 0; i < channels_; ++i) {
      AVChannel channel = av_channel_layout_channel_from_index(&layout, static_cast<unsigned>(i));
      ebur128_set_channel(state_.get(), static_cast<unsigned>(i), ChannelWeight(channel));
    }
  }
}

void LoudnessMeter::Add(const float* samples, int frames) {
  if (frames <= 0) return;
  if (ebur128_add_frames_float(state_.get(), samples, static_cast<std::size_t>(frames)) !=
      EBUR128_SUCCESS) {
    throw std::runtime_error("libebur128 failed to add frames");
  }
}

Loudness LoudnessMeter::Result() const {
  double integrated = -HUGE_VAL;
  if (ebur128_loudness_global(state_.get(), &integrated) != EBUR128_SUCCESS) integrated = -HUGE_VAL;
  double peak = 0;
  for (int i = 0; i < channels_; ++i) {
    double channel_peak = 0;
    if (ebur128_true_peak(state_.get(), static_cast<unsigned>(i), &channel_peak) ==
        EBUR128_SUCCESS) {
      peak = std::max(peak, channel_peak);
    }
  }
  Loudness loudness;
  bool silent = !std::isfinite(integrated) || integrated < kFloorDb;
  loudness.integrated_lufs = silent ? kFloorDb : integrated;
  loudness.true_peak_db = peak > 0 ? std::max(kFloorDb, 20 * std::log10(peak)) : kFloorDb;
  loudness.gain_db = silent ? 0.0 : kTargetLufs - loudness.integrated_lufs;
  return loudness;
}

}  // namespace cadenza::ffmpeg
