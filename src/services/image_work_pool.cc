#include "services/image_work_pool.h"

#include <future>
#include <stdexcept>
#include <utility>

#include "domain/error.h"

namespace cadenza {

ImageWorkPool::ImageWorkPool(ImageProcessor& inner, ImageWorkOptions options)
    : inner_(inner), capacity_(options.workers + options.queue) {
  if (options.workers < 1 || options.queue < 0) {
    throw std::invalid_argument("an image pool needs at least one worker and a queue of 0 or more");
  }
  threads_.reserve(static_cast<std::size_t>(options.workers));
  for (int i = 0; i < options.workers; ++i) threads_.emplace_back([this] { Loop(); });
}

ImageWorkPool::~ImageWorkPool() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  for (std::thread& thread : threads_) thread.join();
}

ImageWorkPool::Admission ImageWorkPool::Admit() {
  {
    MutexLock lock(mutex_);
    if (stopping_ || admitted_ >= capacity_) {
      throw Error(ErrorCode::kUnavailable,
                  "the server is busy decoding other images; retry the cover upload shortly");
    }
    ++admitted_;
  }
  // The deleter gives the place back; the pointer itself points at nothing.
  return Admission(static_cast<void*>(this), [](void* pool) {
    static_cast<ImageWorkPool*>(pool)->Release();
  });
}

void ImageWorkPool::Release() {
  MutexLock lock(mutex_);
  --admitted_;
}

int ImageWorkPool::admitted() const {
  MutexLock lock(mutex_);
  return admitted_;
}

std::vector<CoverImage> ImageWorkPool::MakeCovers(std::string_view bytes,
                                                  const ImageLimits& limits) {
  // The caller waits for the result, so the task may refer to its arguments.
  std::packaged_task<std::vector<CoverImage>()> task(
      [&] { return inner_.MakeCovers(bytes, limits); });
  std::future<std::vector<CoverImage>> result = task.get_future();
  Post([&task] { task(); });
  return result.get();
}

void ImageWorkPool::Post(std::function<void()> work) {
  {
    MutexLock lock(mutex_);
    if (stopping_) throw Error(ErrorCode::kUnavailable, "the server is stopping");
    queue_.push_back(std::move(work));
  }
  wake_.NotifyOne();
}

void ImageWorkPool::Loop() {
  for (;;) {
    std::function<void()> work;
    {
      MutexLock lock(mutex_);
      while (queue_.empty() && !stopping_) wake_.Wait(lock);
      if (queue_.empty()) return;  // stopping, and nothing left to run
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();  // a packaged_task: what it throws reaches its future, not this thread
  }
}

}  // namespace cadenza
