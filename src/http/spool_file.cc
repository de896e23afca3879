#include "http/spool_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <system_error>

#include <fmt/format.h>

namespace cadenza::http {
namespace {

std::string RandomName() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("cadenza-body-{:016x}{:016x}.part", generator(), generator());
}

std::system_error SystemError(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

}  // namespace

SpoolFile SpoolFile::Create(const std::filesystem::path& dir) {
  const std::filesystem::path folder = dir.empty() ? std::filesystem::temp_directory_path() : dir;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::filesystem::path path = folder / RandomName();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) return SpoolFile(std::move(path), fd);
    if (errno != EEXIST) throw SystemError("cannot create a spool file in " + folder.string());
  }
  throw std::system_error(EEXIST, std::generic_category(),
                          "cannot find a free spool file name in " + folder.string());
}

SpoolFile::SpoolFile(SpoolFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), owned_(other.owned_) {
  other.fd_ = -1;
  other.owned_ = false;
}

SpoolFile& SpoolFile::operator=(SpoolFile&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    owned_ = other.owned_;
    other.fd_ = -1;
    other.owned_ = false;
  }
  return *this;
}

SpoolFile::~SpoolFile() { Remove(); }

void SpoolFile::Write(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd_, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw SystemError("cannot write spool file " + path_.string());
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void SpoolFile::SyncAndClose() {
  if (fd_ < 0) return;
  if (::fsync(fd_) != 0) throw SystemError("cannot sync spool file " + path_.string());
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw SystemError("cannot close spool file " + path_.string());
}

void SpoolFile::Remove() noexcept {
  CloseDescriptor();
  if (owned_) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    owned_ = false;
  }
}

void SpoolFile::Release() noexcept {
  CloseDescriptor();
  owned_ = false;
}

void SpoolFile::CloseDescriptor() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace cadenza::http
