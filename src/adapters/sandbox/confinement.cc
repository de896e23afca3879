#include "adapters/sandbox/confinement.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <malloc.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cadenza::sandbox {
namespace {

// Rights newer than Debian 12's kernel headers, by their fixed bit positions.
constexpr std::uint64_t kFsTruncate = 1ULL << 14;   // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;   // ABI 5
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;    // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;  // ABI 4
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;        // ABI 6

// The ruleset attribute as newer kernels read it; older ones take a prefix of it.
struct RulesetAttr {
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
};

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("sandbox: " + what + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void SetLimit(int resource, std::int64_t soft, std::int64_t hard, const char* name) {
  rlimit limit{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
  if (setrlimit(resource, &limit) != 0) Fail(std::string("setrlimit ") + name);
}

void SetLimits(const Confinement& c) {
  SetLimit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
  SetLimit(RLIMIT_NOFILE, c.max_open_files, c.max_open_files, "RLIMIT_NOFILE");
  if (c.memory_limit_bytes > 0) {
    // Each malloc arena reserves 64 MiB of address space up front (and briefly twice that):
    // with one per encoder thread, RLIMIT_AS would count reservations rather than use.
    mallopt(M_ARENA_MAX, 2);
    SetLimit(RLIMIT_AS, c.memory_limit_bytes, c.memory_limit_bytes, "RLIMIT_AS");
  }
  if (c.cpu_limit_seconds > 0) {
    // SIGXCPU at the soft limit, SIGKILL a second later should it be caught.
    SetLimit(RLIMIT_CPU, c.cpu_limit_seconds, c.cpu_limit_seconds + 1, "RLIMIT_CPU");
  }
  if (c.file_size_limit_bytes > 0) {
    SetLimit(RLIMIT_FSIZE, c.file_size_limit_bytes, c.file_size_limit_bytes, "RLIMIT_FSIZE");
  }
}

std::uint64_t HandledFsRights(int abi) {
  std::uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) rights |= kFsTruncate;
  if (abi >= 5) rights |= kFsIoctlDev;
  return rights;
}

void AllowBeneath(int ruleset, const std::filesystem::path& path, std::uint64_t rights) {
  Fd target(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (target.get() < 0) Fail("open " + path.string());
  landlock_path_beneath_attr rule{};
  rule.allowed_access = rights;
  rule.parent_fd = target.get();
  if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
    Fail("landlock_add_rule " + path.string());
  }
}

void ApplyLandlock(const Confinement& c, int abi) {
  RulesetAttr attr;
  attr.handled_access_fs = HandledFsRights(abi);
  std::size_t size = sizeof(std::uint64_t);
  if (abi >= 4) {
    attr.handled_access_net = kNetBindTcp | kNetConnectTcp;  // no TCP port is allowed
    size = 2 * sizeof(std::uint64_t);
  }
  if (abi >= 6) {
    attr.scoped = kScopeAbstractUnix | kScopeSignal;
    size = sizeof attr;
  }
  Fd ruleset(static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
  if (ruleset.get() < 0) Fail("landlock_create_ruleset");
  AllowBeneath(ruleset.get(), c.readable_file, LANDLOCK_ACCESS_FS_READ_FILE);
  if (!c.writable_dir.empty()) {
    std::uint64_t rights = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                           LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                           LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |
                           LANDLOCK_ACCESS_FS_MAKE_REG;
    if (abi >= 3) rights |= kFsTruncate;
    AllowBeneath(ruleset.get(), c.writable_dir, rights);
  }
  if (syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) Fail("landlock_restrict_self");
}

void Deny(scmp_filter_ctx ctx, int syscall_number) {
  int ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), syscall_number, 0);
  if (ret != 0) throw std::runtime_error("sandbox: seccomp_rule_add failed");
}

// Nothing the transcoder does needs these; an exploited decoder would.
constexpr int kDeniedSyscalls[] = {
    SCMP_SYS(socket),          SCMP_SYS(socketpair),       SCMP_SYS(connect),
    SCMP_SYS(bind),            SCMP_SYS(listen),           SCMP_SYS(accept),
    SCMP_SYS(accept4),         SCMP_SYS(execve),           SCMP_SYS(execveat),
    SCMP_SYS(ptrace),          SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
    SCMP_SYS(mount),           SCMP_SYS(umount2),          SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),          SCMP_SYS(unshare),          SCMP_SYS(setns),
    SCMP_SYS(kexec_load),      SCMP_SYS(kexec_file_load),  SCMP_SYS(init_module),
    SCMP_SYS(finit_module),    SCMP_SYS(delete_module),    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),      SCMP_SYS(keyctl),
    SCMP_SYS(add_key),         SCMP_SYS(request_key),      SCMP_SYS(io_uring_setup),
    SCMP_SYS(io_uring_enter),  SCMP_SYS(io_uring_register), SCMP_SYS(open_by_handle_at),
    SCMP_SYS(name_to_handle_at), SCMP_SYS(pidfd_open),     SCMP_SYS(pidfd_getfd),
    SCMP_SYS(pidfd_send_signal), SCMP_SYS(tkill),          SCMP_SYS(kcmp),
    SCMP_SYS(fanotify_init),   SCMP_SYS(reboot),           SCMP_SYS(swapon),
    SCMP_SYS(swapoff),         SCMP_SYS(acct),             SCMP_SYS(quotactl),
    SCMP_SYS(setsid),          SCMP_SYS(setpgid),
};

void ApplySeccomp() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) throw std::runtime_error("sandbox: seccomp_init failed");
  try {
    for (int number : kDeniedSyscalls) Deny(ctx, number);
    // Signals only to itself (raise, abort, pthread_kill): never to the worker or others.
    auto self = static_cast<scmp_datum_t>(getpid());
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1,
                         SCMP_A0(SCMP_CMP_NE, self)) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill), 1,
                         SCMP_A0(SCMP_CMP_NE, self)) != 0) {
      throw std::runtime_error("sandbox: seccomp_rule_add failed");
    }
    if (seccomp_load(ctx) != 0) throw std::runtime_error("sandbox: seccomp_load failed");
  } catch (...) {
    seccomp_release(ctx);
    throw;
  }
  seccomp_release(ctx);
}

}  // namespace

int LandlockAbi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

int ConfineCurrentProcess(const Confinement& confinement) {
  if (close_range(static_cast<unsigned>(confinement.highest_kept_fd) + 1, ~0U, 0) != 0) {
    Fail("close_range");
  }
  // Dies with the worker that started it, rather than transcode for nobody.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) Fail("PR_SET_PDEATHSIG");
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) Fail("PR_SET_DUMPABLE");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) Fail("PR_SET_NO_NEW_PRIVS");
  int abi = LandlockAbi();
  if (abi > 0) ApplyLandlock(confinement, abi);
  ApplySeccomp();
  // Last: libseccomp does not survive a failed allocation while it builds the filter, so a
  // tight address-space limit set before it made the child crash instead of reporting that
  // it ran out of memory. Nothing untrusted has been read yet.
  SetLimits(confinement);
  return abi;
}

}  // namespace cadenza::sandbox
