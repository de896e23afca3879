#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sandbox/sandbox_protocol.h"
#include "ports/transcoder.h"

namespace cadenza {

struct SandboxOptions {
  // The program that runs the child side (`cadenza sandbox-transcode REQUEST`): this binary.
  std::filesystem::path executable = "/proc/self/exe";
  std::vector<std::string> arguments = {"sandbox-transcode"};  // the request follows them
  std::int64_t memory_limit_bytes = 2LL << 30;  // the child's address space; 0: unlimited
  // CPU seconds the child may use; 0: 60 s plus the track duration limit (encoding takes a
  // small fraction of real time, so only a runaway decoder reaches it).
  std::int64_t cpu_limit_seconds = 0;
  // Operator messages (the Landlock warning, why a child failed).
  std::function<void(std::string_view)> log;
};

// Transcoder that runs the FFmpeg transcoder in a confined child process per call, so that an
// exploited decoder finds no secrets, database or network (see sandbox/confinement.h and
// docs/architecture.md). Same contract as the in-process transcoder, plus: the child's crash,
// death by a signal or a broken report fails the call with Error(kUnavailable, "the
// transcoder crashed"), its limits with "the transcoder ran out of time", "... of memory" or
// "... wrote more output than allowed"; other failures inside the child with
// std::runtime_error carrying its detail. The output files are checked to be regular files
// beneath `work_dir` (no symbolic links) and their sizes are taken from the file system, not
// from the child. An exception thrown by `progress` (called on the calling thread, also about
// every second without news) kills the child. Thread-safe: calls share no state.
class SandboxTranscoder final : public Transcoder {
 public:
  // Logs a warning once when the kernel has no Landlock (the child then runs with its rlimits
  // and seccomp filter only).
  explicit SandboxTranscoder(SandboxOptions options);

  ProbeResult Probe(const std::filesystem::path& input, const MediaLimits& limits) override;
  TranscodeResult Transcode(const std::filesystem::path& input,
                            const std::filesystem::path& work_dir, const TranscodeOptions& options,
                            const std::function<void(double)>& progress) override;

 private:
  sandbox::ChildRequest Request(sandbox::RequestMode mode, const std::filesystem::path& input,
                                const std::filesystem::path& work_dir,
                                const TranscodeOptions& options) const;
  // Runs the child to its end; returns its result message or throws as described above.
  sandbox::ChildMessage Run(const sandbox::ChildRequest& request,
                            const std::function<void(double)>& progress) const;
  void Log(const std::string& message) const;

  SandboxOptions options_;
};

}  // namespace cadenza
