#include "adapters/sandbox/child_main.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <system_error>

#include "adapters/sandbox/child_process.h"
#include "adapters/sandbox/confinement.h"
#include "adapters/sandbox/sandbox_protocol.h"
#include "domain/error.h"

namespace cadenza::sandbox {
namespace {

// Writes a whole line to the report pipe. Lines under PIPE_BUF (progress) are written in one
// call, so that encoder threads reporting at once never interleave.
void Report(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(kReportFd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the parent is gone or closed the pipe: nobody to tell
    done += static_cast<std::size_t>(n);
  }
}

bool IsOutOfMemory(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return true;
  if (const auto* system = dynamic_cast<const std::system_error*>(&e)) {
    // Thread stacks are mappings too: under RLIMIT_AS, starting a thread fails with EAGAIN.
    return system->code() == std::errc::not_enough_memory ||
           system->code() == std::errc::resource_unavailable_try_again;
  }
  return std::strstr(e.what(), std::strerror(ENOMEM)) != nullptr;
}

// The address space the child already takes before it reads anything (its code, the
// libraries it maps, the heap of its start), from /proc/self/statm; 0 when unknown.
std::int64_t AddressSpaceInUse() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages = 0;
  if (!(statm >> pages)) return 0;
  return pages * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

// RLIMIT_AS counts the mapped libraries too. A limit with too little room above them starves
// the probe, which then cannot tell a file's stream parameters and would blame the file: say
// instead that the transcoder has no memory, before any input is read.
constexpr std::int64_t kLeastRoom = 64LL << 20;

std::optional<std::string> LimitLeavesNoRoom(std::int64_t limit) {
  if (limit <= 0) return std::nullopt;
  std::int64_t in_use = AddressSpaceInUse();
  if (in_use == 0 || limit >= in_use + kLeastRoom) return std::nullopt;
  return "the memory limit of " + std::to_string(limit >> 20) + " MiB leaves less than " +
         std::to_string(kLeastRoom >> 20) + " MiB beyond the " + std::to_string(in_use >> 20) +
         " MiB the transcoder takes before it reads anything";
}

void Serve(const ChildRequest& request, Transcoder& inner) {
  TranscodeResult result;
  if (request.mode == RequestMode::kProbe) {
    result.probe = inner.Probe(request.input, request.options.limits);
    result.probe.tags.cover_art.reset();  // a probe has no folder to hand it over in
    Report(ResultLine(result, request.work_dir));
    return;
  }
  result = inner.Transcode(request.input, request.work_dir, request.options,
                           [](double fraction) { Report(ProgressLine(fraction)); });
  if (result.probe.tags.cover_art) {
    std::ofstream out(request.work_dir / kCoverArtFile, std::ios::binary | std::ios::trunc);
    out << *result.probe.tags.cover_art;
    if (!out.flush()) throw std::runtime_error("cannot write the cover art");
  }
  Report(ResultLine(result, request.work_dir));
}

}  // namespace

int RunSandboxChild(std::string_view request_text, Transcoder& inner) {
  ChildRequest request;
  try {
    request = DecodeRequest(request_text);
    if (auto no_room = LimitLeavesNoRoom(request.memory_limit_bytes)) {
      Report(ErrorLine(ChildErrorKind::kOutOfMemory, *no_room));
      return 1;
    }
    Confinement confinement;
    confinement.readable_file = request.input;
    confinement.writable_dir = request.work_dir;
    confinement.highest_kept_fd = kReportFd;
    confinement.memory_limit_bytes = request.memory_limit_bytes;
    confinement.cpu_limit_seconds = request.cpu_limit_seconds;
    confinement.file_size_limit_bytes = request.file_size_limit_bytes;
    ConfineCurrentProcess(confinement);
  } catch (const std::exception& e) {
    Report(ErrorLine(ChildErrorKind::kInternal, std::string("cannot start: ") + e.what()));
    return 2;
  }
  try {
    Serve(request, inner);
    return 0;
  } catch (const Error& e) {
    bool refused = e.code() == ErrorCode::kUnprocessable;
    Report(ErrorLine(refused ? ChildErrorKind::kUnprocessable : ChildErrorKind::kInternal,
                     e.what()));
  } catch (const std::exception& e) {
    Report(ErrorLine(IsOutOfMemory(e) ? ChildErrorKind::kOutOfMemory : ChildErrorKind::kInternal,
                     e.what()));
  }
  return 1;
}

}  // namespace cadenza::sandbox
