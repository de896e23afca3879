#include "services/ingest/output_store.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "services/audio_sniff.h"
#include "services/blob_files.h"

namespace cadenza {

namespace {

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
  std::filesystem::path local =
      folder / ("original" + ExtensionFor(ReadBlobHead(*reader, kAudioSniffBytes)));
  CopyBlobToFile(*reader, local);
  return local;
}

void StoreOutputs(BlobStore& blobs, const std::vector<OutputFile>& files,
                  const std::function<void()>& before_each) {
  for (const OutputFile& file : files) {
    if (before_each) before_each();
    // Takeable: a store on the same filesystem renames the output into place.
    FileBlobSource source(file.path, /*takeable=*/true);
    blobs.PutFrom(file.key, source);
  }
}

}  // namespace cadenza
