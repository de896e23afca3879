#pragma once
// What the parent and the sandboxed transcoder child say to each other. The request travels
// as one command-line argument; the child answers on a pipe in JSON lines, at most
// kMaxLineBytes each:
//   {"progress":0.42}                        any number of times, 0..1
//   {"result":{"probe":{...},"loudness":{...},"renditions":[...],"coverArt":false}}
//   {"error":{"kind":"unprocessable","reason":"not an audio file"}}
// The result or the error is the last line. File paths in a result are relative to the
// request's work folder; the parent trusts none of it (see ParseChildLine).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "ports/transcoder.h"

namespace cadenza::sandbox {

constexpr std::size_t kMaxLineBytes = 4 << 20;
// The embedded picture travels as this file in the work folder, not on the pipe.
constexpr const char* kCoverArtFile = "cover-art.bin";

enum class RequestMode { kTranscode, kProbe };

struct ChildRequest {
  RequestMode mode = RequestMode::kTranscode;
  std::filesystem::path input;
  std::filesystem::path work_dir;  // transcode: the renditions' folder; probe: unused
  TranscodeOptions options;        // probe: only the limits
  // Limits the child applies to itself before it touches the input.
  std::int64_t memory_limit_bytes = 0;  // RLIMIT_AS; 0: none
  std::int64_t cpu_limit_seconds = 0;   // RLIMIT_CPU; 0: none
  std::int64_t file_size_limit_bytes = 0;  // RLIMIT_FSIZE; 0: none
};

std::string EncodeRequest(const ChildRequest& request);
// Throws std::runtime_error when `text` is not a request EncodeRequest wrote.
ChildRequest DecodeRequest(std::string_view text);

// Kinds of error line. kUnprocessable carries the reason for the uploader; the others carry
// detail for the log only.
enum class ChildErrorKind { kUnprocessable, kOutOfMemory, kInternal };

std::string ProgressLine(double fraction);
// The result with its paths made relative to `work_dir` (which must contain them); the cover
// art's bytes are left out (the child writes them to kCoverArtFile and says so).
std::string ResultLine(const TranscodeResult& result, const std::filesystem::path& work_dir);
std::string ErrorLine(ChildErrorKind kind, std::string_view reason);

struct ChildMessage {
  enum class Type { kProgress, kResult, kError } type = Type::kProgress;
  double progress = 0;
  TranscodeResult result;     // kResult: paths still relative, sizes as the child claims
  bool has_cover_art = false;  // kResult
  ChildErrorKind error_kind = ChildErrorKind::kInternal;
  std::string reason;  // kError: printable ASCII only, at most 300 bytes
};

// Parses one line (without its newline). Throws std::runtime_error for anything else than
// the three messages above with fields of the right types and in range: the child runs
// untrusted input and may say anything.
ChildMessage ParseChildLine(std::string_view line);

}  // namespace cadenza::sandbox
