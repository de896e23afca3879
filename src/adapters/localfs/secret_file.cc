#include "adapters/localfs/secret_file.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

std::string ModeText(mode_t mode) {
  char text[8] = {};
  std::snprintf(text, sizeof text, "%03o", static_cast<unsigned>(mode & 0777));
  return text;
}

[[noreturn]] void Fail(const fs::path& file, std::string_view what, int error) {
  throw std::runtime_error("secret file " + file.string() + ": " + std::string(what) + ": " +
                           ErrnoText(error));
}

// The secret in `file`, or nullopt when there is no such file. The file is opened before it
// is checked, so what is checked is what is read; a symbolic link is followed (orchestrators
// mount shared secrets that way) and the file it reaches must pass every rule.
std::optional<std::string> Load(const fs::path& file, std::size_t bytes) {
  // O_NONBLOCK: opening a FIFO put in the key's place must fail the checks, not hang.
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::nullopt;
    Fail(file, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) Fail(file, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) {
    throw std::runtime_error("secret file " + file.string() +
                             " is not a regular file; put the key file itself there");
  }
  if (st.st_uid != ::geteuid()) {
    throw std::runtime_error("secret file " + file.string() + " is owned by user " +
                             std::to_string(st.st_uid) + ", not by this process's user " +
                             std::to_string(::geteuid()) + "; run `chown` on it so that only "
                             "the server's user owns it, then `chmod 600 " + file.string() + "`");
  }
  if ((st.st_mode & 077) != 0) {
    throw std::runtime_error("secret file " + file.string() + " has mode 0" +
                             ModeText(st.st_mode) + ": group or others have access to it; run "
                             "`chmod 600 " + file.string() + "` and start again");
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

// `secret` in a new 0600 temp file beside `file`, fsynced; the caller links or renames it into
// place. The returned path is removed by the caller's TempFile guard.
struct TempFile {
  fs::path path;
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

void WriteTemp(const fs::path& file, const fs::path& dir, std::string_view secret, TempFile& temp) {
  UniqueFd fd;
  // mkstemp creates the file with mode 0600 and O_EXCL; fchmod makes that independent of libc.
  if (int e = localfs::CreateTempFile(dir, "." + file.filename().string() + ".", fd, temp.path)) {
    Fail(file, "cannot create a temp file", e);
  }
  if (::fchmod(fd.get(), 0600) != 0) Fail(file, "cannot set mode 0600", errno);
  if (int e = localfs::WriteAll(fd.get(), secret)) Fail(file, "cannot write", e);
  if (::fsync(fd.get()) != 0) Fail(file, "cannot fsync", errno);
  if (fd.Close() != 0) Fail(file, "cannot write", errno);
}

// Moves `temp` to `file` without replacing an existing file: 0, EEXIST or another errno.
int LinkNoReplace(const fs::path& temp, const fs::path& file) {
  // link(2) never replaces an existing name. Filesystems without hard links get renameat2's
  // NOREPLACE.
  int rc = ::link(temp.c_str(), file.c_str());
  int error = rc == 0 ? 0 : errno;
  if (error == EPERM || error == ENOTSUP || error == ENOSYS) {
    rc = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, file.c_str(), RENAME_NOREPLACE);
    error = rc == 0 ? 0 : errno;
  }
  return error;
}

fs::path FolderOf(const fs::path& file) {
  fs::path dir = file.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

}  // namespace

std::optional<std::string> LoadSecret(const fs::path& file, std::size_t bytes) {
  if (bytes == 0) throw std::invalid_argument("LoadSecret: bytes must be positive");
  return Load(file, bytes);
}

void WriteSecret(const fs::path& file, std::string_view secret, bool replace) {
  if (secret.empty()) throw std::invalid_argument("WriteSecret: the secret must not be empty");
  CreatePrivateFolders(file, file.parent_path());
  const fs::path dir = FolderOf(file);
  TempFile temp;
  WriteTemp(file, dir, secret, temp);
  if (replace) {
    // rename(2) swaps the name atomically: readers see the old key or the new one, never half.
    if (::rename(temp.path.c_str(), file.c_str()) != 0) Fail(file, "cannot replace", errno);
  } else if (int error = LinkNoReplace(temp.path, file)) {
    if (error == EEXIST) {
      throw std::runtime_error("secret file " + file.string() + " already exists");
    }
    Fail(file, "cannot create", error);
  }
  if (int e = localfs::FsyncDirectory(dir)) Fail(file, "cannot fsync its folder", e);
}

std::string LoadOrCreateSecret(const fs::path& file, std::size_t bytes) {
  if (bytes == 0) throw std::invalid_argument("LoadOrCreateSecret: bytes must be positive");
  if (auto existing = Load(file, bytes)) return *std::move(existing);

  CreatePrivateFolders(file, file.parent_path());
  const fs::path dir = FolderOf(file);
  std::string secret = crypto::RandomBytes(bytes);
  TempFile temp;
  WriteTemp(file, dir, secret, temp);
  // When another process got there first, its secret is the one everybody must share.
  int error = LinkNoReplace(temp.path, file);
  if (error == EEXIST) {
    if (auto existing = Load(file, bytes)) return *std::move(existing);
    Fail(file, "appeared and vanished while being created", ENOENT);
  }
  if (error != 0) Fail(file, "cannot create", error);
  if (int e = localfs::FsyncDirectory(dir)) Fail(file, "cannot fsync its folder", e);
  return secret;
}

}  // namespace cadenza
