#include "services/ingest/output_store.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "services/audio_sniff.h"

namespace cadenza {

namespace {

constexpr std::size_t kCopyChunk = 1 << 20;

std::string ExtensionFor(std::string_view head) {
  std::string_view type = SniffAudioContentType(head);
  if (type == "audio/flac") return ".flac";
  if (type == "audio/ogg") return ".ogg";
  if (type == "audio/mpeg") return ".mp3";
  if (type == "audio/wav") return ".wav";
  if (type == "audio/aiff") return ".aiff";
  if (type == "audio/mp4") return ".m4a";
  return ".bin";
}

}  // namespace

std::filesystem::path CopyOriginalToLocal(BlobStore& blobs, std::string_view key,
                                          const std::filesystem::path& folder) {
  std::unique_ptr<BlobReader> reader = blobs.Open(key);
  if (!reader) {
    throw std::runtime_error("the original upload " + std::string(key) +
                             " is missing from the blob store");
  }
  std::vector<char> buffer(kCopyChunk);
  std::size_t head =
      reader->ReadAt(0, buffer.data(), std::min<std::size_t>(buffer.size(), kAudioSniffBytes));
  std::filesystem::path local =
      folder / ("original" + ExtensionFor(std::string_view(buffer.data(), head)));
  std::ofstream out(local, std::ios::binary | std::ios::trunc);
  std::int64_t offset = 0;
  for (;;) {
    std::size_t n = reader->ReadAt(offset, buffer.data(), buffer.size());
    if (n == 0) break;
    out.write(buffer.data(), static_cast<std::streamsize>(n));
    offset += static_cast<std::int64_t>(n);
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + local.string());
  return local;
}

void StoreOutputs(BlobStore& blobs, const std::vector<OutputFile>& files,
                  const std::function<void()>& before_each) {
  for (const OutputFile& file : files) {
    if (before_each) before_each();
    blobs.PutFile(file.key, file.path);
  }
}

}  // namespace cadenza
