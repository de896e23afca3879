#include "adapters/ffmpeg/resampler.h"

#include <algorithm>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace cadenza::ffmpeg {

Resampler::Resampler(const AVChannelLayout& in_layout, int in_rate, int out_channels, int out_rate)
    : out_channels_(out_channels), out_rate_(out_rate) {
  AVChannelLayout out_layout{};
  av_channel_layout_default(&out_layout, out_channels);
  SwrContext* raw = nullptr;
  int ret = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLTP, out_rate,
                                const_cast<AVChannelLayout*>(&in_layout), AV_SAMPLE_FMT_FLT,
                                in_rate, 0, nullptr);
  av_channel_layout_uninit(&out_layout);
  CheckAv(ret, "resampler");
  swr_.reset(raw);
  CheckAv(swr_init(swr_.get()), "resampler");
}

PcmChunkPtr Resampler::Convert(const float* samples, int frames) { return Run(samples, frames); }

PcmChunkPtr Resampler::Flush() { return Run(nullptr, 0); }

PcmChunkPtr Resampler::Run(const float* samples, int frames) {
  int capacity = swr_get_out_samples(swr_.get(), frames);
  CheckAv(capacity, "resampler");
  auto chunk = std::make_shared<PcmChunk>();
  chunk->channels = out_channels_;
  std::vector<float> planar(static_cast<std::size_t>(capacity) * out_channels_);
  std::vector<std::uint8_t*> planes(out_channels_);
  for (int c = 0; c < out_channels_; ++c) {
    planes[c] =
        reinterpret_cast<std::uint8_t*>(planar.data() + static_cast<std::size_t>(c) * capacity);
  }
  const auto* in = reinterpret_cast<const std::uint8_t*>(samples);
  int produced = swr_convert(swr_.get(), planes.data(), capacity, samples ? &in : nullptr, frames);
  CheckAv(produced, "resampling");
  chunk->frames = produced;
  chunk->data.resize(static_cast<std::size_t>(produced) * out_channels_);
  for (int c = 0; c < out_channels_; ++c) {
    std::copy_n(planar.data() + static_cast<std::size_t>(c) * capacity, produced,
                chunk->data.data() + static_cast<std::size_t>(c) * produced);
  }
  return chunk;
}

}  // namespace cadenza::ffmpeg
