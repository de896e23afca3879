#include "adapters/sandbox/sandbox_transcoder.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "adapters/sandbox/child_process.h"
#include "adapters/sandbox/confinement.h"
#include "domain/error.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
using sandbox::ChildErrorKind;
using sandbox::ChildMessage;

constexpr std::int64_t kCoverArtLimitBytes = 16 << 20;
constexpr int kPollMillis = 1000;

Error Failed(const char* reason) { return Error(ErrorCode::kUnavailable, reason); }
constexpr const char* kCrashed = "the transcoder crashed";
constexpr const char* kOutOfTime = "the transcoder ran out of time";

// What the child's run came to, as the read loop saw it.
struct RunOutcome {
  std::optional<ChildMessage> last;  // the result or error line
  std::string garbage;               // why the report was unreadable, if it was
  bool timed_out = false;
};

// Splits the report into lines, parsing each; stops at the first that is not a message.
class ReportReader {
 public:
  ReportReader(RunOutcome& outcome, const std::function<void(double)>& progress)
      : outcome_(outcome), progress_(progress) {}

  // Reads what the pipe holds. Returns false at its end or once the report is unreadable.
  bool Read(int fd) {
    char chunk[1 << 16];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    std::size_t end = 0;
    while ((end = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (!Take(line)) return false;
    }
    if (buffer_.size() > sandbox::kMaxLineBytes) outcome_.garbage = "an overlong line";
    return outcome_.garbage.empty();
  }

  // Tells the caller nothing new, so that it may give up between reports.
  void Tick() const {
    if (progress_) progress_(last_progress_);
  }

 private:
  bool Take(const std::string& line) {
    if (outcome_.last) {
      outcome_.garbage = "a line after its last message";
      return false;
    }
    ChildMessage message;
    try {
      message = sandbox::ParseChildLine(line);
    } catch (const std::runtime_error& e) {
      outcome_.garbage = e.what();
      return false;
    }
    if (message.type == ChildMessage::Type::kProgress) {
      last_progress_ = message.progress;
      if (progress_) progress_(message.progress);
    } else {
      outcome_.last = std::move(message);
    }
    return true;
  }

  RunOutcome& outcome_;
  const std::function<void(double)>& progress_;
  std::string buffer_;
  double last_progress_ = 0;
};

std::string SignalName(int signal) {
  const char* name = sigabbrev_np(signal);
  return name != nullptr ? std::string("SIG") + name : std::to_string(signal);
}

// A file the child names, checked: a regular file reached through real folders beneath
// `work_dir`, its size read from the file system.
EncodedFile Resolve(const fs::path& work_dir, const EncodedFile& claimed) {
  fs::path path = work_dir;
  for (auto part = claimed.path.begin(); part != claimed.path.end(); ++part) {
    path /= *part;
    fs::file_type type = fs::symlink_status(path).type();
    bool last = std::next(part) == claimed.path.end();
    if (type != (last ? fs::file_type::regular : fs::file_type::directory)) {
      throw std::runtime_error("transcoder output is not a regular file: " + path.string());
    }
  }
  EncodedFile file = claimed;
  file.path = path;
  file.size_bytes = static_cast<std::int64_t>(fs::file_size(path));
  return file;
}

std::string ReadCoverArt(const fs::path& work_dir) {
  fs::path path = work_dir / sandbox::kCoverArtFile;
  if (fs::symlink_status(path).type() != fs::file_type::regular ||
      fs::file_size(path) > static_cast<std::uintmax_t>(kCoverArtLimitBytes)) {
    throw std::runtime_error("transcoder cover art is not a regular file of a sensible size");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(path);
  return bytes;
}

}  // namespace

SandboxTranscoder::SandboxTranscoder(SandboxOptions options) : options_(std::move(options)) {
  if (sandbox::LandlockAbi() == 0) {
    Log("warning: this kernel has no Landlock; the transcoder child runs without file system "
        "confinement (seccomp and rlimits still apply) and can read what this user can read");
  }
}

void SandboxTranscoder::Log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

sandbox::ChildRequest SandboxTranscoder::Request(sandbox::RequestMode mode,
                                                 const fs::path& input, const fs::path& work_dir,
                                                 const TranscodeOptions& options) const {
  sandbox::ChildRequest request;
  request.mode = mode;
  request.input = fs::absolute(input);
  if (!work_dir.empty()) request.work_dir = fs::absolute(work_dir);
  request.options = options;
  if (request.options.threads <= 0) {
    // Resolved here: the confined child cannot read /sys to count the cores.
    request.options.threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }
  const std::int64_t max_seconds = std::max<std::int64_t>(1, options.limits.max_duration_ms / 1000);
  request.memory_limit_bytes = options_.memory_limit_bytes;
  request.cpu_limit_seconds =
      options_.cpu_limit_seconds > 0 ? options_.cpu_limit_seconds : 60 + max_seconds;
  // Twice the largest rendition (MP3 at 320 kbps) of the longest track, and some.
  request.file_size_limit_bytes = (64LL << 20) + max_seconds * 320'000 / 8 * 2;
  return request;
}

ChildMessage SandboxTranscoder::Run(const sandbox::ChildRequest& request,
                                    const std::function<void(double)>& progress) const {
  std::vector<std::string> arguments = options_.arguments;
  arguments.push_back(sandbox::EncodeRequest(request));
  sandbox::ChildProcess child(options_.executable, arguments);
  // A child blocked without using CPU never meets RLIMIT_CPU; real time catches it.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(2 * request.cpu_limit_seconds + 60);
  RunOutcome outcome;
  ReportReader reader(outcome, progress);
  while (true) {
    pollfd entry{child.report_fd(), POLLIN, 0};
    int ready = poll(&entry, 1, kPollMillis);
    if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    if (ready > 0 && !reader.Read(child.report_fd())) break;
    if (ready == 0) reader.Tick();
    if (std::chrono::steady_clock::now() > deadline) {
      outcome.timed_out = true;
      break;
    }
  }
  if (!outcome.garbage.empty() || outcome.timed_out) child.Kill();
  const pid_t pid = child.pid();
  const int status = child.Wait();
  const std::string who = "transcoder child " + std::to_string(pid);
  if (outcome.timed_out) {
    Log(who + " killed after running too long");
    throw Failed(kOutOfTime);
  }
  if (!outcome.garbage.empty()) {
    Log(who + " sent an unreadable report (" + outcome.garbage + "); killed");
    throw Failed(kCrashed);
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    Log(who + " was killed by " + SignalName(signal));
    if (signal == SIGXCPU) throw Failed(kOutOfTime);
    if (signal == SIGXFSZ) throw Failed("the transcoder wrote more output than allowed");
    throw Failed(kCrashed);
  }
  if (outcome.last && outcome.last->type == ChildMessage::Type::kError) {
    switch (outcome.last->error_kind) {
      case ChildErrorKind::kUnprocessable:
        throw Error(ErrorCode::kUnprocessable, outcome.last->reason);
      case ChildErrorKind::kOutOfMemory:
        Log(who + " ran out of memory: " + outcome.last->reason);
        throw Failed("the transcoder ran out of memory");
      case ChildErrorKind::kInternal:
        throw std::runtime_error("transcoder: " + outcome.last->reason);
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !outcome.last) {
    Log(who + " exited with status " + std::to_string(WEXITSTATUS(status)) + " and no result");
    throw Failed(kCrashed);
  }
  return *std::move(outcome.last);
}

ProbeResult SandboxTranscoder::Probe(const fs::path& input, const MediaLimits& limits) {
  TranscodeOptions options;
  options.limits = limits;
  options.renditions.clear();
  ChildMessage message = Run(Request(sandbox::RequestMode::kProbe, input, {}, options), nullptr);
  return message.result.probe;
}

TranscodeResult SandboxTranscoder::Transcode(const fs::path& input, const fs::path& work_dir,
                                             const TranscodeOptions& options,
                                             const std::function<void(double)>& progress) {
  fs::create_directories(work_dir);
  ChildMessage message =
      Run(Request(sandbox::RequestMode::kTranscode, input, work_dir, options), progress);
  TranscodeResult result = std::move(message.result);
  const fs::path root = fs::absolute(work_dir);
  if (result.renditions.size() != options.renditions.size()) {
    throw std::runtime_error("transcoder returned the wrong number of renditions");
  }
  for (std::size_t i = 0; i < result.renditions.size(); ++i) {
    EncodedRendition& r = result.renditions[i];
    if (!(r.spec == options.renditions[i])) {
      throw std::runtime_error("transcoder returned renditions out of order");
    }
    r.main = Resolve(root, r.main);
    for (EncodedFile& segment : r.segments) segment = Resolve(root, segment);
  }
  if (message.has_cover_art) result.probe.tags.cover_art = ReadCoverArt(root);
  return result;
}

}  // namespace cadenza
