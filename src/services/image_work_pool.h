#pragma once
// Decoding untrusted images on a few threads of their own, apart from the request pool.
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "ports/image_processor.h"

namespace cadenza {

struct ImageWorkOptions {
  int workers = 2;  // images decoded at once
  int queue = 2;    // admitted requests that may wait for a worker beyond those decoding
};

// An ImageProcessor that runs another one's MakeCovers on `workers` threads of its own. The
// number of threads bounds the CPU and the memory image decoding takes (ImageLimits bounds
// each decode), whoever asks: a request on the request pool, or the ingest worker adopting an
// embedded picture. Thread-safe.
class ImageWorkPool final : public ImageProcessor {
 public:
  // Throws std::invalid_argument when workers < 1 or queue < 0.
  ImageWorkPool(ImageProcessor& inner, ImageWorkOptions options);
  // Lets decodes already queued finish, then joins the threads.
  ~ImageWorkPool() override;
  ImageWorkPool(const ImageWorkPool&) = delete;
  ImageWorkPool& operator=(const ImageWorkPool&) = delete;

  // A place for one request's decode, taken before its body is read and given back when the
  // last copy is destroyed. Throws Error(kUnavailable, "...retry...") when workers + queue
  // places are taken, so that uploads do not pile up behind slow decodes.
  using Admission = std::shared_ptr<void>;
  Admission Admit();

  // Runs inner.MakeCovers on a pool thread and waits for it; returns or rethrows what it does.
  // Waits for a free thread however many callers wait (callers without an admission, such as
  // the ingest worker, are bounded by their own concurrency). Throws Error(kUnavailable) once
  // the pool is being destroyed.
  std::vector<CoverImage> MakeCovers(std::string_view bytes, const ImageLimits& limits) override;

  // Admissions currently held (for tests and logs).
  int admitted() const;

 private:
  void Post(std::function<void()> work);
  void Loop();
  void Release();

  ImageProcessor& inner_;
  const int capacity_;
  mutable Mutex mutex_;
  CondVar wake_;
  std::deque<std::function<void()>> queue_ GUARDED_BY(mutex_);
  int admitted_ GUARDED_BY(mutex_) = 0;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace cadenza
