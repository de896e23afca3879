#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>

#include "adapters/ffmpeg/av_handles.h"
#include "ports/transcoder.h"

namespace cadenza::ffmpeg {

// One untrusted upload, opened with the local-file protocol and the audio demuxers only, its
// single audio stream chosen and checked against the limits. Not thread-safe: one per job.
class MediaInput {
 public:
  // Opens and validates `path`. Throws Error(kUnprocessable, reason) for anything that is
  // not acceptable audio ("file is empty", "not an audio file", "file is truncated",
  // "longer than the 2 h limit", "too many channels (6; the limit is 2)", "sample rate
  // 384000 Hz is above the 192000 Hz limit"); std::runtime_error when the file cannot be read.
  MediaInput(const std::filesystem::path& path, const MediaLimits& limits);

  ~MediaInput();
  MediaInput(const MediaInput&) = delete;
  MediaInput& operator=(const MediaInput&) = delete;

  // Format, codec, rate, channels, the declared duration and the tags.
  const ProbeResult& probe() const { return probe_; }
  int sample_rate() const { return probe_.sample_rate; }
  int channels() const { return probe_.channels; }
  // The source's channel layout (a default order when the file leaves it unspecified).
  const AVChannelLayout& layout() const { return layout_; }

  // Cheap check that the data the header promises is there: seeks near the declared end and
  // reads a packet. Throws Error(kUnprocessable, "file is truncated") when it is missing.
  // Leaves the read position anywhere: call it only on an input that will not be decoded.
  void CheckTail();

  // Decodes the whole stream once, handing each decoded block to `sink` as interleaved float
  // samples at the source rate and layout, and calling `progress` with the fraction decoded
  // (at most once per percent). Returns the number of samples (per channel) decoded. Stops and
  // throws Error(kUnprocessable, ...) as soon as the decoded audio exceeds the duration limit,
  // when the data ends before the declared duration or fails to decode at its end
  // ("file is truncated"), or when too much of it is undecodable. Call once.
  std::int64_t Decode(const std::function<void(const float* samples, int frames)>& sink,
                      const std::function<void(double)>& progress);

 private:
  // Fills the probe's format, codec, rate and channels and the layout. Throws
  // Error(kUnprocessable, "not an audio file") when the stream has no usable decoder.
  void ReadStreamParameters();
  // Throws Error(kUnprocessable, reason) when channels, rate or declared duration exceed
  // the limits; sets the probe's declared duration.
  void CheckLimits();
  void ReadTags();
  // Declared duration in microseconds, or -1 when neither stream nor container states one.
  std::int64_t DeclaredDurationUs() const;
  bool DurationIsTrustworthy() const;

  std::filesystem::path path_;
  MediaLimits limits_;
  std::int64_t file_size_ = 0;
  InputFormatPtr format_;
  AVStream* stream_ = nullptr;
  AVChannelLayout layout_{};
  ProbeResult probe_;
};

}  // namespace cadenza::ffmpeg
