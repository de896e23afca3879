#pragma once
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "base/mutex.h"

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
    MutexLock lock(mutex_);
    while (!aborted_ && chunks_.size() >= capacity_) not_full_.Wait(lock);
    if (aborted_) return false;
    chunks_.push_back(std::move(chunk));
    not_empty_.NotifyOne();
    return true;
  }

  // Blocks until a chunk is available; null at the end of the input or once aborted.
  PcmChunkPtr Pop() {
    MutexLock lock(mutex_);
    while (!aborted_ && !closed_ && chunks_.empty()) not_empty_.Wait(lock);
    if (aborted_ || chunks_.empty()) return nullptr;
    PcmChunkPtr chunk = std::move(chunks_.front());
    chunks_.pop_front();
    not_full_.NotifyOne();
    return chunk;
  }

  // No more chunks will come; the consumer drains what is queued.
  void Close() {
    MutexLock lock(mutex_);
    closed_ = true;
    not_empty_.NotifyAll();
  }

  // Stops both sides now (an error on either side).
  void Abort() {
    MutexLock lock(mutex_);
    aborted_ = true;
    chunks_.clear();
    not_empty_.NotifyAll();
    not_full_.NotifyAll();
  }

  bool aborted() const {
    MutexLock lock(mutex_);
    return aborted_;
  }

 private:
  const std::size_t capacity_;
  mutable Mutex mutex_;
  CondVar not_full_, not_empty_;
  std::deque<PcmChunkPtr> chunks_ GUARDED_BY(mutex_);
  bool closed_ GUARDED_BY(mutex_) = false;
  bool aborted_ GUARDED_BY(mutex_) = false;
};

}  // namespace cadenza::ffmpeg
