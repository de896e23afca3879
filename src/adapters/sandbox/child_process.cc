#include "adapters/sandbox/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cadenza::sandbox {
namespace {

[[noreturn]] void ThrowErrno(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

// posix_spawn's attributes and file actions, released however the spawn ends.
struct SpawnSetup {
  posix_spawnattr_t attr{};
  posix_spawn_file_actions_t actions{};
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void Configure(SpawnSetup& setup, int write_fd) {
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETPGROUP);
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, "/dev/null", O_WRONLY, 0);
  // dup2 onto a different number clears close-on-exec; glibc clears it too when they match.
  posix_spawn_file_actions_adddup2(&setup.actions, write_fd, kReportFd);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, kReportFd + 1);
}

}  // namespace

ChildProcess::ChildProcess(const std::filesystem::path& executable,
                           const std::vector<std::string>& arguments) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) ThrowErrno(errno, "pipe2");
  report_fd_ = fds[0];
  SpawnSetup setup;
  Configure(setup, fds[1]);
  std::vector<char*> argv;
  std::string program = executable.string();
  argv.push_back(program.data());
  std::vector<std::string> args = arguments;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  char* envp[] = {nullptr};
  int ret = posix_spawn(&pid_, program.c_str(), &setup.actions, &setup.attr, argv.data(), envp);
  close(fds[1]);
  if (ret != 0) {
    close(report_fd_);
    ThrowErrno(ret, "posix_spawn");
  }
  fcntl(report_fd_, F_SETFL, fcntl(report_fd_, F_GETFL) | O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (!waited_) {
    Kill();
    Wait();
  }
  close(report_fd_);
}

void ChildProcess::Kill() const {
  if (!waited_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);  // in case it left its group before the first line ran
  }
}

int ChildProcess::Wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  waited_ = true;
  // Whatever it started in its group goes with it.
  kill(-pid_, SIGKILL);
  return status;
}

}  // namespace cadenza::sandbox
