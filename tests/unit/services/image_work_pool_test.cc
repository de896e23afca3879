#include "services/image_work_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "domain/error.h"

namespace cadenza {
namespace {

// Records where and how many decodes run at once; each waits until the test opens the gate.
class GatedImages : public ImageProcessor {
 public:
  std::vector<CoverImage> MakeCovers(std::string_view bytes, const ImageLimits&) override {
    MutexLock lock(mutex_);
    threads_.push_back(std::this_thread::get_id());
    ++running_;
    peak_ = std::max(peak_, running_);
    changed_.NotifyAll();
    while (!open_) changed_.Wait(lock);
    --running_;
    ++finished_;
    changed_.NotifyAll();
    if (bytes == "bad") throw Error(ErrorCode::kUnprocessable, "bad image");
    return {CoverImage{96, std::string(bytes)}};
  }

  void WaitUntilRunning(int count) {
    MutexLock lock(mutex_);
    while (running_ < count) changed_.Wait(lock);
  }
  void WaitUntilFinished(int count) {
    MutexLock lock(mutex_);
    while (finished_ < count) changed_.Wait(lock);
  }
  void Open() {
    MutexLock lock(mutex_);
    open_ = true;
    changed_.NotifyAll();
  }
  int peak() {
    MutexLock lock(mutex_);
    return peak_;
  }
  std::vector<std::thread::id> threads() {
    MutexLock lock(mutex_);
    return threads_;
  }

 private:
  Mutex mutex_;
  CondVar changed_;
  bool open_ GUARDED_BY(mutex_) = false;
  int running_ GUARDED_BY(mutex_) = 0;
  int peak_ GUARDED_BY(mutex_) = 0;
  int finished_ GUARDED_BY(mutex_) = 0;
  std::vector<std::thread::id> threads_ GUARDED_BY(mutex_);
};

TEST(ImageWorkPoolTest, DecodesRunOnThePoolsThreadsAndReturnOrThrowToTheCaller) {
  GatedImages images;
  images.Open();
  ImageWorkPool pool(images, ImageWorkOptions{1, 0});
  std::vector<CoverImage> covers = pool.MakeCovers("png", {});
  ASSERT_EQ(covers.size(), 1u);
  EXPECT_EQ(covers[0].jpeg, "png");
  ASSERT_EQ(images.threads().size(), 1u);
  EXPECT_NE(images.threads()[0], std::this_thread::get_id());
  try {
    pool.MakeCovers("bad", {});
    ADD_FAILURE() << "expected the decoder's error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
    EXPECT_STREQ(e.what(), "bad image");
  }
}

TEST(ImageWorkPoolTest, NoMoreDecodesRunAtOnceThanThereAreWorkers) {
  GatedImages images;
  ImageWorkPool pool(images, ImageWorkOptions{2, 0});
  std::vector<std::thread> callers;
  for (int i = 0; i < 5; ++i) callers.emplace_back([&pool] { pool.MakeCovers("x", {}); });
  images.WaitUntilRunning(2);
  images.Open();
  images.WaitUntilFinished(5);
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(images.peak(), 2);
}

TEST(ImageWorkPoolTest, AdmissionsBeyondWorkersAndQueueAreRefusedUntilOneIsGivenBack) {
  GatedImages images;
  ImageWorkPool pool(images, ImageWorkOptions{1, 1});
  ImageWorkPool::Admission first = pool.Admit();
  ImageWorkPool::Admission second = pool.Admit();
  EXPECT_EQ(pool.admitted(), 2);
  try {
    pool.Admit();
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("retry"), std::string::npos);
  }
  first.reset();
  EXPECT_EQ(pool.admitted(), 1);
  EXPECT_NO_THROW(pool.Admit());  // taken and given back at once
  EXPECT_EQ(pool.admitted(), 1);
}

TEST(ImageWorkPoolTest, BadOptionsAreRefused) {
  GatedImages images;
  EXPECT_THROW(ImageWorkPool(images, ImageWorkOptions{0, 1}), std::invalid_argument);
  EXPECT_THROW(ImageWorkPool(images, ImageWorkOptions{1, -1}), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
