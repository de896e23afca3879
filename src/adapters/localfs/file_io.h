#pragma once
// Small POSIX helpers shared by the local filesystem adapters. They report failure as errno
// (0 on success) so each caller can word its own error once.
#include <filesystem>
#include <string>
#include <string_view>

#include "adapters/localfs/unique_fd.h"

namespace cadenza::localfs {

// Writes all of `bytes`, retrying short writes and EINTR. Returns 0 or an errno value.
int WriteAll(int fd, std::string_view bytes);

// Reads the whole file behind `fd` from its current offset. Returns 0 or an errno value.
int ReadAll(int fd, std::string& out);

// fsync(2) on a folder, so that entries created, renamed or removed in it are durable.
int FsyncDirectory(const std::filesystem::path& dir);

// A new, empty file "<dir>/<prefix>XXXXXX" created with O_EXCL and mode 0600 (mkstemp).
// On success `path` names it; returns 0 or an errno value.
int CreateTempFile(const std::filesystem::path& dir, std::string_view prefix, UniqueFd& fd,
                   std::filesystem::path& path);

// The text for an errno value (thread-safe, unlike strerror).
std::string ErrnoText(int error);

}  // namespace cadenza::localfs
