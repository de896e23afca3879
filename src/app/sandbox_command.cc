// The sandboxed transcoder: choosing it (MakeTranscoder) and its child side.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <utility>

#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "adapters/sandbox/child_main.h"
#include "adapters/sandbox/sandbox_transcoder.h"
#include "app/commands.h"
#include "app/runtime.h"

namespace cadenza::app {

std::unique_ptr<Transcoder> MakeTranscoder(const Config& config) {
  if (!config.transcode_sandbox) return std::make_unique<FfmpegTranscoder>();
  SandboxOptions options;
  options.memory_limit_bytes = config.transcode_memory_limit;
  options.log = [](std::string_view message) { spdlog::warn("transcoder: {}", message); };
  return std::make_unique<SandboxTranscoder>(std::move(options));
}

int RunSandboxTranscode(const std::string& request) {
  FfmpegTranscoder transcoder;
  return sandbox::RunSandboxChild(request, transcoder);
}

}  // namespace cadenza::app
