#include "adapters/localfs/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/localfs/file_io.h"
#include "adapters/localfs/unique_fd.h"
#include "domain/blob_key.h"
#include "domain/error.h"

namespace cadenza {

namespace fs = std::filesystem;
using localfs::ErrnoText;
using localfs::FsyncDirectory;
using localfs::UniqueFd;

namespace {

// A failed put must not leave its temp file behind. Removes the file unless released.
class TempFileGuard {
 public:
  explicit TempFileGuard(fs::path path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

[[noreturn]] void ThrowOs(std::string_view op, std::string_view key, int error) {
  throw Error(ErrorCode::kUnavailable,
              "blob store: " + std::string(op) + " " + std::string(key) + ": " + ErrnoText(error));
}

Timestamp ModifiedAt(const struct stat& st) {
  return static_cast<Timestamp>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

// True when `path` is strictly inside `root` (both absolute and free of "." and "..").
bool IsStrictlyUnder(const fs::path& path, const fs::path& root) {
  auto [root_it, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_it == root.end() && path_it != path.end();
}

class FileBlobReader final : public BlobReader {
 public:
  FileBlobReader(UniqueFd fd, std::int64_t size, std::string key)
      : fd_(std::move(fd)), size_(size), key_(std::move(key)) {}

  std::int64_t size() const override { return size_; }

  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    if (offset < 0) throw std::invalid_argument("BlobReader::ReadAt: negative offset");
    for (;;) {
      ssize_t got = ::pread(fd_.get(), out, n, static_cast<off_t>(offset));
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) ThrowOs("read", key_, errno);
    }
  }

 private:
  UniqueFd fd_;
  std::int64_t size_;
  std::string key_;
};

}  // namespace

LocalBlobStore::LocalBlobStore(fs::path root) {
  fs::create_directories(root);
  root_ = fs::canonical(root);
  spool_ = root_ / ".spool";
  fs::create_directories(spool_);
}

fs::path LocalBlobStore::PathFor(std::string_view key) const {
  if (!IsValidBlobKey(key)) throw Error(ErrorCode::kInvalidArgument, "invalid blob key");
  fs::path path = root_ / fs::path(std::string(key));
  // A valid key cannot climb out by itself; this also catches a symlink planted inside the
  // folder that points elsewhere.
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(path, ec);
  // ENOENT: a concurrent Remove pruned a folder while it was being resolved; look again.
  for (int attempt = 0; ec == std::errc::no_such_file_or_directory && attempt < 16; ++attempt) {
    resolved = fs::weakly_canonical(path, ec);
  }
  if (ec) ThrowOs("resolve", key, ec.value());
  if (!IsStrictlyUnder(resolved, root_)) {
    throw Error(ErrorCode::kInvalidArgument, "invalid blob key");
  }
  return path;
}

int LocalBlobStore::PruneEmptyFolders(fs::path dir) {
  // Exclusive with RenameIntoPlace: within this process a folder is never pruned between a
  // put's mkdir and its rename (other processes sharing the folder are handled by its retry).
  std::unique_lock lock(tree_mutex_);
  // rmdir refuses non-empty folders, which ends the walk.
  while (dir != root_ && IsStrictlyUnder(dir, root_) && ::rmdir(dir.c_str()) == 0) {
    dir = dir.parent_path();
  }
  return FsyncDirectory(dir);
}

int LocalBlobStore::RenameIntoPlace(const fs::path& from, const fs::path& to) {
  std::shared_lock lock(tree_mutex_);
  const fs::path relative_parent = to.parent_path().lexically_relative(root_);
  // A concurrent Remove may prune a folder between our mkdir and rename (ENOENT): rebuild.
  for (int attempt = 0; attempt < 16; ++attempt) {
    int error = 0;
    fs::path current = root_;
    for (const fs::path& part : relative_parent) {
      if (part == ".") continue;
      current /= part;
      if (::mkdir(current.c_str(), 0755) == 0) {
        // The new folder's own entry must be durable too, or the blob could vanish with it.
        error = FsyncDirectory(current.parent_path());
      } else if (errno != EEXIST) {
        error = errno;
      }
      if (error != 0) break;
    }
    if (error == 0) {
      if (::rename(from.c_str(), to.c_str()) == 0) return 0;
      error = errno;
    }
    if (error != ENOENT) return error;
  }
  return ENOENT;
}

void LocalBlobStore::Put(std::string_view key, std::string_view bytes) {
  const fs::path destination = PathFor(key);
  UniqueFd fd;
  fs::path temp;
  if (int e = localfs::CreateTempFile(spool_, "put-", fd, temp)) ThrowOs("put", key, e);
  TempFileGuard guard(temp);
  if (int e = localfs::WriteAll(fd.get(), bytes)) ThrowOs("put", key, e);
  if (::fsync(fd.get()) != 0) ThrowOs("put", key, errno);
  if (fd.Close() != 0) ThrowOs("put", key, errno);
  if (int e = RenameIntoPlace(temp, destination)) ThrowOs("put", key, e);
  guard.Release();
  if (int e = FsyncDirectory(destination.parent_path())) ThrowOs("put", key, e);
}

fs::path LocalBlobStore::CopyToSpool(std::string_view key, const fs::path& source) {
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) ThrowOs("put", key, errno);
  UniqueFd out;
  fs::path temp;
  if (int e = localfs::CreateTempFile(spool_, "put-", out, temp)) ThrowOs("put", key, e);
  TempFileGuard guard(temp);
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowOs("put", key, errno);
    }
    if (n == 0) break;
    if (int e = localfs::WriteAll(out.get(), std::string_view(buffer.data(), n))) {
      ThrowOs("put", key, e);
    }
  }
  if (::fsync(out.get()) != 0) ThrowOs("put", key, errno);
  if (out.Close() != 0) ThrowOs("put", key, errno);
  guard.Release();
  return temp;
}

void LocalBlobStore::PutFile(std::string_view key, const fs::path& source) {
  const fs::path destination = PathFor(key);
  {
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) ThrowOs("put", key, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) ThrowOs("put", key, errno);
    if (!S_ISREG(st.st_mode)) {
      throw std::invalid_argument("PutFile: not a regular file: " + source.string());
    }
    // The bytes must be on disk before the name that publishes them.
    if (::fsync(fd.get()) != 0) ThrowOs("put", key, errno);
  }
  int error = RenameIntoPlace(source, destination);
  if (error == EXDEV) {
    const fs::path temp = CopyToSpool(key, source);
    TempFileGuard guard(temp);
    if (int e = RenameIntoPlace(temp, destination)) ThrowOs("put", key, e);
    guard.Release();
    if (int e = FsyncDirectory(destination.parent_path())) ThrowOs("put", key, e);
    // The blob is stored; a source that cannot be removed is only litter in the caller's
    // folder, not a reason to report the put as failed.
    ::unlink(source.c_str());
    return;
  }
  if (error != 0) ThrowOs("put", key, error);
  if (int e = FsyncDirectory(destination.parent_path())) ThrowOs("put", key, e);
}

std::optional<BlobInfo> LocalBlobStore::Stat(std::string_view key) {
  const fs::path path = PathFor(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    ThrowOs("stat", key, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return BlobInfo{static_cast<std::int64_t>(st.st_size), ModifiedAt(st)};
}

std::unique_ptr<BlobReader> LocalBlobStore::Open(std::string_view key) {
  const fs::path path = PathFor(key);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return nullptr;
    ThrowOs("open", key, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) ThrowOs("open", key, errno);
  if (!S_ISREG(st.st_mode)) return nullptr;
  return std::make_unique<FileBlobReader>(std::move(fd), static_cast<std::int64_t>(st.st_size),
                                          std::string(key));
}

void LocalBlobStore::Remove(std::string_view key) {
  const fs::path path = PathFor(key);
  if (::unlink(path.c_str()) != 0) {
    // EISDIR: the key names a folder of other blobs, so there is no blob by that name.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return;
    ThrowOs("remove", key, errno);
  }
  // Prune folders the blob leaves empty.
  int e = PruneEmptyFolders(path.parent_path());
  if (e != 0 && e != ENOENT) ThrowOs("remove", key, e);
}

void LocalBlobStore::RemovePrefix(std::string_view prefix) {
  if (prefix.size() < 2 || prefix.back() != '/' ||
      !IsValidBlobKey(prefix.substr(0, prefix.size() - 1))) {
    throw Error(ErrorCode::kInvalidArgument, "invalid blob key prefix");
  }
  // PathFor resolves every link on the way, so the folder is known to be under the root.
  const fs::path folder = PathFor(prefix.substr(0, prefix.size() - 1));
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    ThrowOs("remove", prefix, errno);
  }
  if (!S_ISDIR(st.st_mode)) return;
  std::error_code ec;
  // A concurrent Remove may prune a subfolder under remove_all (ENOENT), and a late Put may
  // add a file after a folder was emptied (ENOTEMPTY): both settle on another pass.
  for (int attempt = 0; attempt < 16; ++attempt) {
    fs::remove_all(folder, ec);
    if (!ec || ec == std::errc::no_such_file_or_directory) {
      ec.clear();
      break;
    }
    if (ec != std::errc::directory_not_empty) break;
  }
  if (ec) ThrowOs("remove", prefix, ec.value());
  int e = PruneEmptyFolders(folder.parent_path());
  if (e != 0 && e != ENOENT) ThrowOs("remove", prefix, e);
}

fs::path LocalBlobStore::SpoolDirectory() const { return spool_; }

bool LocalBlobStore::Healthy() {
  UniqueFd fd;
  fs::path probe;
  if (localfs::CreateTempFile(spool_, "probe-", fd, probe) != 0) return false;
  TempFileGuard guard(probe);
  static constexpr std::string_view kProbe = "cadenza";
  char back[kProbe.size()];
  bool ok = localfs::WriteAll(fd.get(), kProbe) == 0 && ::fsync(fd.get()) == 0 &&
            ::pread(fd.get(), back, sizeof back, 0) == static_cast<ssize_t>(sizeof back) &&
            std::memcmp(back, kProbe.data(), sizeof back) == 0 && fd.Close() == 0;
  guard.Release();
  return ::unlink(probe.c_str()) == 0 && ok;
}

}  // namespace cadenza
