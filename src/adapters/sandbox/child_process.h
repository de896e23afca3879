#pragma once
// A child process started from an executable with a clean environment, reporting on a pipe.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::sandbox {

// The descriptor on which the child finds the write end of its report pipe.
constexpr int kReportFd = 3;

class ChildProcess {
 public:
  // Starts `executable` with `arguments` (argv[1]...) through posix_spawn: no environment,
  // standard input and output on /dev/null, standard error shared with this process, the
  // report pipe's write end as kReportFd and every other descriptor closed, default signal
  // handling and an empty signal mask, in a process group of its own. Throws
  // std::system_error when it cannot be started.
  ChildProcess(const std::filesystem::path& executable, const std::vector<std::string>& arguments);
  // Kills the child's process group (when it was not waited for) and reaps the child.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The read end of the report pipe (non-blocking, close-on-exec).
  int report_fd() const { return report_fd_; }

  // SIGKILL to the child's process group.
  void Kill() const;
  // Waits for the child to exit; returns its waitpid status. Call once.
  int Wait();

 private:
  pid_t pid_ = -1;
  int report_fd_ = -1;
  bool waited_ = false;
};

}  // namespace cadenza::sandbox
