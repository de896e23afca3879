#pragma once
// The child side of SandboxTranscoder: what `cadenza sandbox-transcode REQUEST` runs.
#include <string_view>

#include "ports/transcoder.h"

namespace cadenza::sandbox {

// Decodes the request, confines this process (ConfineCurrentProcess: only the input readable,
// only the work folder writable, the request's rlimits) and only then runs `inner` on the
// input, reporting progress and the result, or the error, on kReportFd in the protocol of
// sandbox_protocol.h. Returns the exit code: 0 after a result, 1 after an error line, 2 when
// the request is unusable or confinement fails (nothing is read then).
int RunSandboxChild(std::string_view request_text, Transcoder& inner);

}  // namespace cadenza::sandbox
