#pragma once
// Hand-built renditions shaped like the transcoder's output: AAC with 1024-sample frames
// (segments of 281 frames = 287744 samples = 5.994667 s), Opus with 20 ms frames (6.000 s
// segments), and a progressive MP3.
#include <string>
#include <vector>

#include "domain/media.h"
#include "media/layout.h"

namespace cadenza::media_testing {

inline constexpr char kTrackId[] = "0190b6e2-0000-7000-8000-000000000001";

inline Rendition Cmaf(Codec codec, int kbps, std::vector<std::int64_t> durations,
                      std::int64_t peak, std::int64_t average) {
  Rendition rendition;
  rendition.track_id = kTrackId;
  rendition.spec = {codec, kbps};
  rendition.packaging = std::string(kCmafPackaging);
  rendition.codecs = codec == Codec::kAac ? "mp4a.40.2" : "opus";
  rendition.sample_rate = 48000;
  rendition.channels = 2;
  rendition.timescale = 48000;
  std::string prefix =
      "renditions/" + std::string(kTrackId) + "/job-1/" + RenditionName(rendition.spec);
  rendition.blob_key = prefix + "/init.mp4";
  for (std::size_t i = 0; i < durations.size(); ++i) {
    Segment segment;
    segment.index = static_cast<int>(i);
    segment.blob_key = prefix + "/" + SegmentFileName(static_cast<int>(i));
    segment.duration = durations[i];
    segment.size_bytes = durations[i] * kbps / 384;  // kbps * 1000 / 8 bytes a second
    rendition.segments.push_back(segment);
    rendition.duration += durations[i];
    rendition.size_bytes += segment.size_bytes;
  }
  rendition.peak_bitrate = peak;
  rendition.average_bitrate = average;
  return rendition;
}

inline std::vector<std::int64_t> AacDurations() { return {287744, 287744, 287744, 100352}; }
inline std::vector<std::int64_t> OpusDurations() { return {288000, 288000, 288000, 96000}; }

inline Rendition Progressive(int kbps) {
  Rendition rendition;
  rendition.track_id = kTrackId;
  rendition.spec = {Codec::kMp3, kbps};
  rendition.packaging = std::string(kProgressivePackaging);
  rendition.codecs = "mp3";
  rendition.sample_rate = 48000;
  rendition.channels = 2;
  rendition.timescale = 48000;
  rendition.duration = 963000;
  rendition.blob_key = "renditions/" + std::string(kTrackId) + "/job-1/" +
                       ProgressiveFileName(rendition.spec);
  rendition.size_bytes = 963000 * kbps / 384;
  rendition.average_bitrate = kbps * 1000;
  rendition.peak_bitrate = kbps * 1000;
  return rendition;
}

// Deliberately out of order, so the writers' ordering is what the tests see.
inline std::vector<Rendition> ShuffledRenditions() {
  return {
      Cmaf(Codec::kAac, 320, AacDurations(), 335123, 324001),
      Cmaf(Codec::kOpus, 96, OpusDurations(), 104000, 97000),
      Progressive(160),
      Cmaf(Codec::kAac, 96, AacDurations(), 101500, 98250),
      Cmaf(Codec::kOpus, 320, OpusDurations(), 330000, 321000),
      Cmaf(Codec::kAac, 160, AacDurations(), 168800, 162400),
      Progressive(96),
      Cmaf(Codec::kOpus, 160, OpusDurations(), 166000, 161000),
  };
}

}  // namespace cadenza::media_testing
