#pragma once
// Turns an uploaded original into the streaming renditions. Implemented with FFmpeg's
// libraries in adapters/ffmpeg; the only place libav* is called.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/media.h"

namespace cadenza {

// Limits applied to untrusted input before and while decoding. Inputs beyond them fail with
// Error(kUnprocessable) and a reason a person understands.
struct MediaLimits {
  std::int64_t max_duration_ms = 2LL * 3600 * 1000;  // "longer than the 2 h limit"
  int max_channels = 8;
  int max_sample_rate = 192000;
  std::int64_t probe_size_bytes = 5 << 20;
  std::int64_t analyze_duration_us = 5'000'000;
};

struct AudioTags {
  std::optional<std::string> title, artist, album, date;
  std::optional<int> track_number;
  std::optional<std::string> cover_art;       // the embedded picture's bytes, as stored
  std::optional<std::string> cover_art_mime;  // "image/jpeg", "image/png", ...
};

struct ProbeResult {
  std::string format_name;  // the demuxer: "flac", "wav", "ogg", "mp3", "mov,mp4,m4a,...", ...
  std::string codec_name;   // "flac", "pcm_s16le", "vorbis", ...
  int sample_rate = 0;
  int channels = 0;
  std::int64_t duration_ms = 0;
  AudioTags tags;
};

// One output file of an encoded rendition, in a work folder the caller owns.
struct EncodedFile {
  std::filesystem::path path;
  std::int64_t duration = 0;  // in the rendition's timescale (0 for init segments)
  std::int64_t size_bytes = 0;
};

struct EncodedRendition {
  RenditionSpec spec;
  std::string packaging;  // "cmaf" or "progressive"
  std::string codecs;     // "mp4a.40.2", "opus", "mp3"
  int sample_rate = 0;
  int channels = 0;
  int timescale = 0;
  std::int64_t duration = 0;         // timescale ticks of audio (priming excluded)
  EncodedFile main;                  // cmaf: the init segment; progressive: the file
  std::vector<EncodedFile> segments; // cmaf: media segments in order
};

struct TranscodeOptions {
  MediaLimits limits;
  std::vector<RenditionSpec> renditions = StandardRenditions();
  double segment_seconds = 6.0;  // target; no segment exceeds it by more than 0.5 s
  int threads = 0;               // encoders run in parallel on up to this many threads; 0 = cores
};

struct TranscodeResult {
  ProbeResult probe;
  Loudness loudness;
  std::vector<EncodedRendition> renditions;  // in the order of options.renditions
};

// Thread-safe; blocking (call from worker threads).
class Transcoder {
 public:
  virtual ~Transcoder() = default;

  // Opens `input` (a local file; no other protocol) with the whitelisted audio demuxers only
  // and checks it against `limits`. Throws Error(kUnprocessable, reason) for anything that is
  // not acceptable audio ("not an audio file", "file is truncated", "longer than the 2 h limit").
  virtual ProbeResult Probe(const std::filesystem::path& input, const MediaLimits& limits) = 0;

  // Probes, decodes once, measures loudness, and writes every rendition into `work_dir`.
  // `progress` is called with 0..1 from any thread. Same errors as Probe, plus failures found
  // while decoding (truncation, corrupt data).
  virtual TranscodeResult Transcode(const std::filesystem::path& input,
                                    const std::filesystem::path& work_dir,
                                    const TranscodeOptions& options,
                                    const std::function<void(double)>& progress) = 0;
};

}  // namespace cadenza
