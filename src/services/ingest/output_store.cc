#include "services/ingest/output_store.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "base/mutex.h"

#include "services/audio_sniff.h"
#include "services/ingest/attempt.h"
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

// Hands the files out one at a time to the threads that call Work, and keeps the first
// failure.
class PutQueue {
 public:
  PutQueue(BlobStore& blobs, const std::vector<OutputFile>& files,
           const std::function<void()>& before_each)
      : blobs_(blobs), files_(files), before_each_(before_each) {}

  // Puts files until none is left or one has failed.
  void Work() {
    for (;;) {
      if (failed_.load()) return;
      const std::size_t index = next_.fetch_add(1);
      if (index >= files_.size()) return;
      try {
        if (before_each_) before_each_();
        // Takeable: a store on the same filesystem renames the output into place.
        FileBlobSource source(files_[index].path, /*takeable=*/true);
        blobs_.PutFrom(files_[index].key, source);
      } catch (...) {
        MutexLock lock(mutex_);
        if (!error_) error_ = std::current_exception();
        failed_.store(true);
        return;
      }
    }
  }

  void RethrowFirstError() {
    MutexLock lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  BlobStore& blobs_;
  const std::vector<OutputFile>& files_;
  const std::function<void()>& before_each_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> failed_{false};
  Mutex mutex_;
  std::exception_ptr error_ GUARDED_BY(mutex_);
};

}  // namespace

std::filesystem::path CopyOriginalToLocal(BlobStore& blobs, std::string_view key,
                                          std::int64_t claimed_size,
                                          const std::filesystem::path& folder) {
  std::unique_ptr<BlobReader> reader = blobs.Open(key);
  if (!reader) {
    throw std::runtime_error("the original upload " + std::string(key) +
                             " is missing from the blob store");
  }
  if (blobs.ServesClientsDirectly() && reader->size() != claimed_size) {
    throw PermanentFailure{"the uploaded file was replaced after the track was created (" +
                           std::to_string(reader->size()) + " bytes instead of " +
                           std::to_string(claimed_size) + "); upload it again"};
  }
  std::filesystem::path local =
      folder / ("original" + ExtensionFor(ReadBlobHead(*reader, kAudioSniffBytes)));
  CopyBlobToFile(*reader, local);
  return local;
}

void StoreOutputs(BlobStore& blobs, const std::vector<OutputFile>& files,
                  const std::function<void()>& before_each, int parallel) {
  PutQueue queue(blobs, files, before_each);
  const std::size_t threads =
      std::min(files.size(), static_cast<std::size_t>(std::max(parallel, 1)));
  {
    std::vector<std::jthread> helpers;  // joined when the block ends
    for (std::size_t i = 1; i < threads; ++i) {
      try {
        helpers.emplace_back([&queue] { queue.Work(); });
      } catch (const std::system_error&) {
        break;  // no thread to spare: the ones running (and this one) do the rest
      }
    }
    queue.Work();
  }
  queue.RethrowFirstError();
}

}  // namespace cadenza
