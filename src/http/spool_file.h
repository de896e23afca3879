#pragma once
// A request body being streamed to disk. Blocking: use on blocking-work threads.
#include <cstddef>
#include <filesystem>

namespace cadenza::http {

// A new, uniquely named file (mode 0600) that is deleted on destruction unless it was
// Release()d. Non-copyable, movable.
class SpoolFile {
 public:
  // Creates the file in `dir` (the system temporary folder when empty). Throws
  // std::system_error when it cannot be created.
  static SpoolFile Create(const std::filesystem::path& dir);

  SpoolFile(SpoolFile&& other) noexcept;
  SpoolFile& operator=(SpoolFile&& other) noexcept;
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  // Appends all of `data`; throws std::system_error.
  void Write(const char* data, std::size_t size);
  // Flushes the bytes to stable storage and closes the descriptor; throws std::system_error.
  void SyncAndClose();
  // Removes the file if it is still there (e.g. the consumer did not move it away) and stops
  // owning it. Never throws.
  void Remove() noexcept;
  // Gives up ownership: the file is kept on destruction.
  void Release() noexcept;

  const std::filesystem::path& path() const { return path_; }

 private:
  SpoolFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void CloseDescriptor() noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
  bool owned_ = true;
};

}  // namespace cadenza::http
