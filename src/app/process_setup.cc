#include "app/process_setup.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <spdlog/spdlog.h>

namespace cadenza::app {

void RestrictNewFileModes() { ::umask(077); }

std::uint64_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur != limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    } else {
      spdlog::warn("cannot raise the open file limit from {} to {}", limit.rlim_cur,
                   limit.rlim_max);
    }
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace cadenza::app
