#pragma once
// Confines the current process (the transcoder child) before it reads untrusted input.
#include <cstdint>
#include <filesystem>

namespace cadenza::sandbox {

struct Confinement {
  std::filesystem::path readable_file;  // the only file it may read (the upload)
  std::filesystem::path writable_dir;   // the only folder it may write; empty: none
  int highest_kept_fd = 2;              // every descriptor above it is closed
  std::int64_t memory_limit_bytes = 0;     // RLIMIT_AS; 0: unchanged
  std::int64_t cpu_limit_seconds = 0;      // RLIMIT_CPU (SIGXCPU, then SIGKILL 1 s later)
  std::int64_t file_size_limit_bytes = 0;  // RLIMIT_FSIZE (SIGXFSZ)
  int max_open_files = 256;                // RLIMIT_NOFILE
};

// The Landlock ABI version the kernel offers, 0 when it has none (or it is disabled).
int LandlockAbi();

// Applies, in this order and for good (nothing here can be undone by the process):
// closes descriptors above `highest_kept_fd`; asks for SIGKILL when the parent dies; sets
// the rlimits (core dumps off; at most two malloc arenas under a memory limit);
// PR_SET_NO_NEW_PRIVS; a Landlock ruleset, when the kernel has Landlock, under which the
// process may read `readable_file`, read and write beneath `writable_dir` (no symbolic links,
// devices or pipes made there) and touch no other file, and may neither signal processes
// outside it nor reach TCP ports (where the ABI has those scopes); and a seccomp filter that
// fails with EPERM socket creation, execve, ptrace, mount and namespace calls, module
// loading, bpf, io_uring, leaving its process group, other processes' memory and signals to
// any other process.
// Returns the Landlock ABI applied (0: not available, the process is confined by the rest).
// Call single-threaded. Throws std::runtime_error when any step fails.
int ConfineCurrentProcess(const Confinement& confinement);

}  // namespace cadenza::sandbox
