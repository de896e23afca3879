#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/runtime.h"

namespace cadenza::app {

int RunTranscode(const Config& config, const TranscodeArgs& args) {
  std::unique_ptr<Transcoder> transcoder = MakeTranscoder(config);
  TranscodeOptions options;
  options.limits = MediaLimitsFrom(config);
  options.threads = args.threads;
  std::filesystem::create_directories(args.out_dir);
  TranscodeResult result = transcoder->Transcode(args.input, args.out_dir, options, [](double) {});
  const ProbeResult& probe = result.probe;
  std::printf("input: %s/%s, %d Hz, %d channel(s), %.3f s\n", probe.format_name.c_str(),
              probe.codec_name.c_str(), probe.sample_rate, probe.channels,
              static_cast<double>(probe.duration_ms) / 1000);
  std::printf("loudness: %.1f LUFS, true peak %.1f dBTP, gain %+.1f dB\n",
              result.loudness.integrated_lufs, result.loudness.true_peak_db,
              result.loudness.gain_db);
  for (const EncodedRendition& r : result.renditions) {
    std::int64_t bytes = r.main.size_bytes;
    for (const EncodedFile& segment : r.segments) bytes += segment.size_bytes;
    double seconds = static_cast<double>(r.duration) / r.timescale;
    std::printf("%-9s %-11s %zu segment(s) %10lld bytes %7.1f kbps\n", RenditionName(r.spec).c_str(),
                r.packaging.c_str(), r.segments.size(), static_cast<long long>(bytes),
                seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1000 : 0.0);
  }
  return 0;
}

}  // namespace cadenza::app
