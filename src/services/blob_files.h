#pragma once
// Local files on either side of a BlobStore: a file as the source of a put, and a blob copied
// out into a file for code that reads local files only (FFmpeg). Blocking.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "ports/blob_store.h"

namespace cadenza {

// The bytes of a regular file. With `takeable`, a store on the same machine may move the file
// into place instead of reading it (the caller must not need it afterwards, and must remove
// it itself when the put fails or the store read it instead).
class FileBlobSource final : public BlobSource {
 public:
  // Opens `path`; throws std::runtime_error when it cannot be opened.
  FileBlobSource(std::filesystem::path path, bool takeable);

  std::optional<std::int64_t> size() const override { return size_; }
  // Throws std::runtime_error on a read error.
  std::size_t Read(char* out, std::size_t n) override;
  const std::filesystem::path* TakeableFile() const override {
    return takeable_ ? &path_ : nullptr;
  }

 private:
  std::filesystem::path path_;
  bool takeable_;
  std::ifstream in_;
  std::int64_t size_ = 0;
};

// Reads up to `n` bytes from the start of the blob (fewer when it is shorter).
std::string ReadBlobHead(BlobReader& reader, std::size_t n);

// Writes the whole blob behind `reader` to a new file at `path` (truncating one that is
// there); returns the byte count. Throws std::runtime_error when the file cannot be written.
std::int64_t CopyBlobToFile(BlobReader& reader, const std::filesystem::path& path);

}  // namespace cadenza
