#include "services/blob_files.h"

#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace cadenza {

namespace {
constexpr std::size_t kCopyChunk = std::size_t{256} * 1024;
}  // namespace

FileBlobSource::FileBlobSource(std::filesystem::path path, bool takeable)
    : path_(std::move(path)), takeable_(takeable), in_(path_, std::ios::binary) {
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(path_, ec);
  if (!in_ || ec) throw std::runtime_error("cannot open " + path_.string());
  size_ = static_cast<std::int64_t>(size);
}

std::size_t FileBlobSource::Read(char* out, std::size_t n) {
  in_.read(out, static_cast<std::streamsize>(n));
  if (in_.bad()) throw std::runtime_error("cannot read " + path_.string());
  return static_cast<std::size_t>(in_.gcount());
}

std::string ReadBlobHead(BlobReader& reader, std::size_t n) {
  std::string head(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    std::size_t read = reader.ReadAt(static_cast<std::int64_t>(got), head.data() + got, n - got);
    if (read == 0) break;
    got += read;
  }
  head.resize(got);
  return head;
}

std::int64_t CopyBlobToFile(BlobReader& reader, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::vector<char> buffer(kCopyChunk);
  std::int64_t offset = 0;
  for (;;) {
    std::size_t n = reader.ReadAt(offset, buffer.data(), buffer.size());
    if (n == 0) break;
    out.write(buffer.data(), static_cast<std::streamsize>(n));
    offset += static_cast<std::int64_t>(n);
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return offset;
}

}  // namespace cadenza
