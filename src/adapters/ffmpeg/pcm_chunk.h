#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace cadenza::ffmpeg {

// A block of resampled audio shared, read-only, by the encoders of one target rate.
// Planar float: channel c's samples are data[c * frames, (c + 1) * frames).
struct PcmChunk {
  int channels = 0;
  int frames = 0;
  std::vector<float> data;
  const float* Plane(int channel) const {
    return data.data() + static_cast<std::size_t>(channel) * frames;
  }
};
using PcmChunkPtr = std::shared_ptr<const PcmChunk>;

// A bounded single-producer, single-consumer queue of chunks: the decoder blocks when an
// encoder falls `capacity` chunks behind, so memory stays bounded whatever the track length.
// Thread-safe.
class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while full. Returns false (dropping the chunk) once the queue is aborted.
  bool Push(PcmChunkPtr chunk) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return aborted_ || chunks_.size() < capacity_; });
    if (aborted_) return false;
    chunks_.push_back(std::move(chunk));
    not_empty_.notify_one();
    return true;
  }

  // Blocks until a chunk is available; null at the end of the input or once aborted.
  PcmChunkPtr Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return aborted_ || closed_ || !chunks_.empty(); });
    if (aborted_ || chunks_.empty()) return nullptr;
    PcmChunkPtr chunk = std::move(chunks_.front());
    chunks_.pop_front();
    not_full_.notify_one();
    return chunk;
  }

  // No more chunks will come; the consumer drains what is queued.
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Stops both sides now (an error on either side).
  void Abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    chunks_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  bool aborted() const {
    std::lock_guard lock(mutex_);
    return aborted_;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<PcmChunkPtr> chunks_;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace cadenza::ffmpeg
