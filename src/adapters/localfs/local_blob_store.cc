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

// A file's identity stands for the version of its bytes: every put writes a new file.
BlobInfo InfoOf(const struct stat& st) {
  BlobInfo info;
  info.size = static_cast<std::int64_t>(st.st_size);
  info.modified_at = ModifiedAt(st);
  info.version = std::to_string(st.st_ino) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                 std::to_string(st.st_mtim.tv_nsec) + "-" + std::to_string(st.st_size);
  return info;
}

// The rest of an open file as a BlobSource (the copy of a file on another filesystem).
class FdBlobSource final : public BlobSource {
 public:
  FdBlobSource(int fd, std::string_view key) : fd_(fd), key_(key) {}
  std::optional<std::int64_t> size() const override { return std::nullopt; }
  std::size_t Read(char* out, std::size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, out, n);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) ThrowOs("put", key_, errno);
    }
  }

 private:
  int fd_;
  std::string_view key_;
};

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

LocalBlobStore::LocalBlobStore(const fs::path& root, LocalBlobUrls urls) : urls_(std::move(urls)) {
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

void LocalBlobStore::PublishSpooled(std::string_view key, const fs::path& temp,
                                    const fs::path& destination) {
  TempFileGuard guard(temp);
  if (int e = RenameIntoPlace(temp, destination)) ThrowOs("put", key, e);
  guard.Release();
  if (int e = FsyncDirectory(destination.parent_path())) ThrowOs("put", key, e);
}

fs::path LocalBlobStore::CopyToSpool(std::string_view key, BlobSource& source, BlobInfo& info) {
  UniqueFd out;
  fs::path temp;
  if (int e = localfs::CreateTempFile(spool_, "put-", out, temp)) ThrowOs("put", key, e);
  TempFileGuard guard(temp);
  std::vector<char> buffer(std::size_t{256} * 1024);
  for (;;) {
    std::size_t n = source.Read(buffer.data(), buffer.size());
    if (n == 0) break;
    if (int e = localfs::WriteAll(out.get(), std::string_view(buffer.data(), n))) {
      ThrowOs("put", key, e);
    }
  }
  if (::fsync(out.get()) != 0) ThrowOs("put", key, errno);
  struct stat st {};
  if (::fstat(out.get(), &st) != 0) ThrowOs("put", key, errno);
  info = InfoOf(st);
  if (out.Close() != 0) ThrowOs("put", key, errno);
  guard.Release();
  return temp;
}

BlobInfo LocalBlobStore::PutTakeableFile(std::string_view key, const fs::path& file) {
  const fs::path destination = PathFor(key);
  BlobInfo info;
  {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) ThrowOs("put", key, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) ThrowOs("put", key, errno);
    if (!S_ISREG(st.st_mode)) {
      throw std::invalid_argument("PutFrom: not a regular file: " + file.string());
    }
    // The bytes must be on disk before the name that publishes them.
    if (::fsync(fd.get()) != 0) ThrowOs("put", key, errno);
    info = InfoOf(st);  // a rename keeps the inode and the modification time
  }
  int error = RenameIntoPlace(file, destination);
  if (error == EXDEV) {
    UniqueFd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.valid()) ThrowOs("put", key, errno);
    FdBlobSource copy(in.get(), key);
    PublishSpooled(key, CopyToSpool(key, copy, info), destination);
    // The blob is stored; a source that cannot be removed is only litter in the caller's
    // folder, not a reason to report the put as failed.
    ::unlink(file.c_str());
    return info;
  }
  if (error != 0) ThrowOs("put", key, error);
  if (int e = FsyncDirectory(destination.parent_path())) ThrowOs("put", key, e);
  return info;
}

BlobInfo LocalBlobStore::PutFrom(std::string_view key, BlobSource& source) {
  if (const fs::path* file = source.TakeableFile()) return PutTakeableFile(key, *file);
  const fs::path destination = PathFor(key);
  BlobInfo info;
  PublishSpooled(key, CopyToSpool(key, source, info), destination);
  return info;
}

std::optional<BlobInfo> LocalBlobStore::Stat(std::string_view key) {
  const fs::path path = PathFor(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    ThrowOs("stat", key, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return InfoOf(st);
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

BlobListing LocalBlobStore::List(std::string_view prefix, std::string_view after, int limit) {
  if (limit <= 0) throw std::invalid_argument("BlobStore::List: limit must be positive");
  fs::path folder = root_;
  if (!prefix.empty()) {
    if (prefix.size() < 2 || prefix.back() != '/' ||
        !IsValidBlobKey(prefix.substr(0, prefix.size() - 1))) {
      throw Error(ErrorCode::kInvalidArgument, "invalid blob key prefix");
    }
    folder = PathFor(prefix.substr(0, prefix.size() - 1));
  }
  std::vector<ListedBlob> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::none, ec), end;
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return {};
    ThrowOs("list", prefix, ec.value());
  }
  for (; it != end; it.increment(ec)) {
    if (ec) ThrowOs("list", prefix, ec.value());
    const fs::path& path = it->path();
    if (path.filename().string().starts_with('.')) {  // the spool, never a blob
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::string key = path.lexically_relative(root_).string();
    if (!IsValidBlobKey(key) || key <= after) continue;
    found.push_back(ListedBlob{std::move(key), InfoOf(st)});
  }
  std::sort(found.begin(), found.end(),
            [](const ListedBlob& a, const ListedBlob& b) { return a.key < b.key; });
  BlobListing listing;
  if (found.size() > static_cast<std::size_t>(limit)) {
    found.resize(static_cast<std::size_t>(limit));
    listing.next_after = found.back().key;
  }
  listing.blobs = std::move(found);
  return listing;
}

BlobGrant LocalBlobStore::Grant(const BlobGrantRequest& request) {
  if (!IsValidBlobKey(request.key)) throw Error(ErrorCode::kInvalidArgument, "invalid blob key");
  if (urls_.signer == nullptr) {
    throw Error(ErrorCode::kUnavailable, "blob store: this local store hands out no URLs");
  }
  BlobGrant grant;
  grant.access = request.access;
  grant.method = std::string(GrantMethod(request.access));
  grant.url = urls_.prefix + request.key + "?" + urls_.signer->SignQuery(request);
  grant.expires_at = request.expires_at;
  grant.max_bytes = request.access == BlobAccess::kWrite ? request.max_bytes : 0;
  return grant;
}

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
