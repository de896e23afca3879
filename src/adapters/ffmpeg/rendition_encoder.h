#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "adapters/ffmpeg/av_handles.h"
#include "adapters/ffmpeg/pcm_chunk.h"
#include "ports/transcoder.h"

namespace cadenza::ffmpeg {

// The sample rate a codec's rendition is encoded at: Opus always 48 kHz; AAC and MP3 keep the
// 44.1 kHz family (22.05, 44.1, 88.2, 176.4 kHz sources -> 44.1 kHz) and use 48 kHz otherwise.
int TargetSampleRate(Codec codec, int source_rate);

// Encodes one rendition from planar float chunks and packages it in `folder`:
//  - AAC-LC ("aac", aac_coder=fast, CBR-like at the bitrate) and Opus ("libopus", VBR at the
//    bitrate, application=audio, 20 ms frames) as CMAF: init.mp4 + seg-NNNNN.m4s, each
//    segment a whole number of encoder frames and no longer than `segment_seconds`;
//  - MP3 ("libmp3lame", CBR) as <name>.mp3 with a Xing/LAME header.
// Not thread-safe: one thread drives one encoder.
class RenditionEncoder {
 public:
  // Creates `folder` (emptying what a previous attempt left) and opens encoder and output.
  // Throws std::runtime_error when FFmpeg lacks the encoder or the file cannot be written.
  RenditionEncoder(const RenditionSpec& spec, int sample_rate, int channels,
                   const std::filesystem::path& folder, double segment_seconds);
  RenditionEncoder(const RenditionEncoder&) = delete;
  RenditionEncoder& operator=(const RenditionEncoder&) = delete;

  void Encode(const PcmChunk& chunk);
  // Drains the encoder, closes the output and (CMAF) splits it into segments. Call once.
  EncodedRendition Finish();

 private:
  // The construction steps, in this order. AllocateEncoder returns the encoder it configured
  // (throws std::runtime_error when FFmpeg lacks it); CreateOutput allocates the muxer;
  // OpenEncoder opens the codec with its private options; OpenStream adds the track and opens
  // the output file; WriteHeader writes the header and, for CMAF, sets the segment length.
  const AVCodec* AllocateEncoder(int sample_rate, int channels);
  void CreateOutput();
  void OpenEncoder(const AVCodec* codec);
  void OpenStream();
  void WriteHeader(double segment_seconds);
  void SendFrames(bool final);
  void Drain();
  void WritePacket();
  void CutFragment();

  RenditionSpec spec_;
  std::filesystem::path folder_;
  std::filesystem::path output_path_;
  bool cmaf_;
  bool interleaved_;  // libopus takes interleaved float; the others planar
  CodecContextPtr encoder_;
  OutputFormatPtr output_;
  AVStream* stream_ = nullptr;
  AudioFifoPtr fifo_;
  FramePtr frame_;
  PacketPtr packet_;
  std::vector<float> scratch_;
  std::int64_t samples_in_ = 0;  // fed to the encoder: the rendition's presented duration
  std::int64_t next_pts_ = 0;
  std::int64_t packets_written_ = 0;
  std::int64_t frames_per_segment_ = 0;
  bool moov_written_ = false;
};

}  // namespace cadenza::ffmpeg
