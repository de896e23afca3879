#include "adapters/localfs/secret_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>

#include "adapters/localfs/file_io.h"
#include "adapters/localfs/unique_fd.h"
#include "ports/crypto.h"

namespace cadenza {

namespace fs = std::filesystem;
using localfs::ErrnoText;
using localfs::UniqueFd;

namespace {

[[noreturn]] void Fail(const fs::path& file, std::string_view what, int error) {
  throw std::runtime_error("secret file " + file.string() + ": " + std::string(what) + ": " +
                           ErrnoText(error));
}

// The secret in `file`, or nullopt when there is no such file.
std::optional<std::string> Load(const fs::path& file, std::size_t bytes) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::nullopt;
    Fail(file, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) Fail(file, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) {
    throw std::runtime_error("secret file " + file.string() + " is not a regular file");
  }
  if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
    throw std::runtime_error("secret file " + file.string() +
                             " is readable or writable by other users; run `chmod 600 " +
                             file.string() + "` and start again");
  }
  std::string secret;
  if (int e = localfs::ReadAll(fd.get(), secret)) Fail(file, "cannot read", e);
  if (secret.size() != bytes) {
    throw std::runtime_error("secret file " + file.string() + " holds " +
                             std::to_string(secret.size()) + " bytes, expected " +
                             std::to_string(bytes) +
                             "; restore the right file, or remove it to generate a new secret "
                             "(which signs out every session)");
  }
  return secret;
}

// Creates the missing folders of `dir`, each with mode 0700.
void CreatePrivateFolders(const fs::path& file, const fs::path& dir) {
  if (dir.empty()) return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return;
  if (errno != ENOENT) Fail(file, "cannot inspect its folder", errno);
  CreatePrivateFolders(file, dir.parent_path() == dir ? fs::path() : dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    Fail(file, "cannot create its folder", errno);
}

}  // namespace

std::string LoadOrCreateSecret(const fs::path& file, std::size_t bytes) {
  if (bytes == 0) throw std::invalid_argument("LoadOrCreateSecret: bytes must be positive");
  if (auto existing = Load(file, bytes)) return *std::move(existing);

  fs::path dir = file.parent_path();
  CreatePrivateFolders(file, dir);
  if (dir.empty()) dir = ".";

  std::string secret = crypto::RandomBytes(bytes);
  UniqueFd fd;
  fs::path temp;
  // mkstemp creates the file with mode 0600 and O_EXCL; fchmod makes that independent of libc.
  if (int e = localfs::CreateTempFile(dir, "." + file.filename().string() + ".", fd, temp)) {
    Fail(file, "cannot create a temp file", e);
  }
  struct Cleanup {
    const fs::path& path;
    ~Cleanup() { ::unlink(path.c_str()); }
  } cleanup{temp};
  if (::fchmod(fd.get(), 0600) != 0) Fail(file, "cannot set mode 0600", errno);
  if (int e = localfs::WriteAll(fd.get(), secret)) Fail(file, "cannot write", e);
  if (::fsync(fd.get()) != 0) Fail(file, "cannot fsync", errno);
  if (fd.Close() != 0) Fail(file, "cannot write", errno);

  // link(2) never replaces an existing name: when another process got there first, its secret
  // is the one everybody must share. Filesystems without hard links get renameat2's NOREPLACE.
  int rc = ::link(temp.c_str(), file.c_str());
  int error = rc == 0 ? 0 : errno;
  if (error == EPERM || error == ENOTSUP || error == ENOSYS) {
    rc = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, file.c_str(), RENAME_NOREPLACE);
    error = rc == 0 ? 0 : errno;
  }
  if (error == EEXIST) {
    if (auto existing = Load(file, bytes)) return *std::move(existing);
    Fail(file, "appeared and vanished while being created", ENOENT);
  }
  if (error != 0) Fail(file, "cannot create", error);
  if (int e = localfs::FsyncDirectory(dir)) Fail(file, "cannot fsync its folder", e);
  return secret;
}

}  // namespace cadenza
