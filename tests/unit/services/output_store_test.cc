// Storing a transcode attempt's outputs: several puts at once, never more than the bound, and
// the first failure stops the rest and is rethrown once every put under way has ended.
#include "services/ingest/output_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "domain/error.h"
#include "services/ingest/attempt.h"
#include "unit/support/error_from.h"
#include "unit/support/in_memory_blob_store.h"
#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

using test_support::InMemoryBlobStore;
using test_support::ManualClock;
using test_support::TempDir;

// Forwards puts to a store after holding each one until a second put is under way, every
// put expected has begun (`total`), or a generous wait has passed (so a store that only
// ever sees one put at a time still finishes), counting how many are under way at once. A
// put of `fail_key` throws instead.
class OverlappingStore final : public BlobStore {
 public:
  explicit OverlappingStore(BlobStore& inner) : inner_(inner) {}

  BlobInfo PutFrom(std::string_view key, BlobSource& source) override {
    {
      std::unique_lock lock(mutex_);
      ++started_;
      ++running_;
      most_ = std::max(most_, running_);
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(5),
                        [&] { return running_ > 1 || started_ >= total; });
    }
    struct Leave {
      OverlappingStore& store;
      ~Leave() {
        std::lock_guard lock(store.mutex_);
        --store.running_;
      }
    } leave{*this};
    if (key == fail_key) throw Error(ErrorCode::kUnavailable, "injected put failure");
    return inner_.PutFrom(key, source);
  }
  std::optional<BlobInfo> Stat(std::string_view key) override { return inner_.Stat(key); }
  std::unique_ptr<BlobReader> Open(std::string_view key) override { return inner_.Open(key); }
  BlobListing List(std::string_view prefix, std::string_view after, int limit) override {
    return inner_.List(prefix, after, limit);
  }
  void Remove(std::string_view key) override { inner_.Remove(key); }
  void RemovePrefix(std::string_view prefix) override { inner_.RemovePrefix(prefix); }
  BlobGrant Grant(const BlobGrantRequest& request) override { return inner_.Grant(request); }
  bool Healthy() override { return true; }

  int most() {
    std::lock_guard lock(mutex_);
    return most_;
  }
  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

  int running() {
    std::lock_guard lock(mutex_);
    return running_;
  }

  std::string fail_key;
  int total = 0;

 private:
  BlobStore& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int running_ = 0;
  int most_ = 0;
  int started_ = 0;
};

class OutputStoreTest : public ::testing::Test {
 protected:
  // `count` files under an attempt's prefix, each holding its own key.
  std::vector<OutputFile> Files(int count) {
    std::vector<OutputFile> files;
    for (int i = 0; i < count; ++i) {
      OutputFile file;
      file.key = "renditions/track/job-1/aac_96/seg-" + std::to_string(10000 + i) + ".m4s";
      file.path = dir_.path() / ("out-" + std::to_string(i));
      std::ofstream(file.path, std::ios::binary) << file.key;
      files.push_back(file);
    }
    return files;
  }

  TempDir dir_;
  ManualClock clock_{1'800'000'000'000};
  InMemoryBlobStore inner_{clock_, test_support::GrantStyle::kDirect};
  OverlappingStore store_{inner_};
};

TEST_F(OutputStoreTest, PutsSeveralFilesAtOnceWithinTheBound) {
  const std::vector<OutputFile> files = Files(12);
  store_.total = 12;
  std::atomic<int> checks{0};
  StoreOutputs(store_, files, [&] { ++checks; });
  EXPECT_GT(store_.most(), 1);
  EXPECT_LE(store_.most(), kParallelOutputPuts);
  EXPECT_EQ(checks.load(), 12);
  for (const OutputFile& file : files) {
    std::unique_ptr<BlobReader> reader = inner_.Open(file.key);
    ASSERT_TRUE(reader) << file.key;
    EXPECT_EQ(reader->size(), static_cast<std::int64_t>(file.key.size()));
  }
}

TEST_F(OutputStoreTest, ABoundOfOnePutsOneAtATime) {
  store_.total = 1;  // no put waits for company
  StoreOutputs(store_, Files(3), nullptr, 1);
  EXPECT_EQ(store_.most(), 1);
  EXPECT_EQ(inner_.List("renditions/", "", 100).blobs.size(), 3u);
}

// With several threads the failure still ends the call: every thread has ended (no put is
// under way) when the first exception is rethrown.
TEST_F(OutputStoreTest, AFailedPutAmongParallelOnesFailsTheCall) {
  const std::vector<OutputFile> files = Files(20);
  store_.fail_key = files[1].key;
  store_.total = 1;  // no put waits for company
  Error error = test_support::ErrorFrom([&] { StoreOutputs(store_, files, nullptr); });
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_STREQ(error.what(), "injected put failure");
  EXPECT_EQ(store_.running(), 0);
  EXPECT_FALSE(inner_.Stat(files[1].key));
}

// The stop itself, with one thread so that the order is fixed: nothing after the failed put
// is checked or put.
TEST_F(OutputStoreTest, AFailedPutStopsTheRest) {
  const std::vector<OutputFile> files = Files(6);
  store_.fail_key = files[2].key;
  store_.total = 1;
  std::atomic<int> checks{0};
  Error error = test_support::ErrorFrom([&] { StoreOutputs(store_, files, [&] { ++checks; }, 1); });
  EXPECT_STREQ(error.what(), "injected put failure");
  EXPECT_EQ(checks.load(), 3);
  EXPECT_EQ(store_.started(), 3);
  EXPECT_EQ(inner_.List("renditions/", "", 100).blobs.size(), 2u);
}

TEST_F(OutputStoreTest, AnExceptionFromTheCheckBeforeAPutStopsTheRest) {
  struct LeaseGone {};
  const std::vector<OutputFile> files = Files(6);
  store_.total = 1;
  std::atomic<int> checks{0};
  auto lease_gone_at_third = [&] {
    if (++checks == 3) throw LeaseGone{};
  };
  EXPECT_THROW(StoreOutputs(store_, files, lease_gone_at_third, 1), LeaseGone);
  EXPECT_EQ(checks.load(), 3);
  EXPECT_EQ(inner_.List("renditions/", "", 100).blobs.size(), 2u);
  // In parallel too, the exception is what the call throws, once every thread has ended.
  checks = 0;
  EXPECT_THROW(StoreOutputs(store_, Files(20), lease_gone_at_third), LeaseGone);
  EXPECT_EQ(store_.running(), 0);
}

// A direct store's PUT URL still works after the claim: a replaced original is not copied.
TEST_F(OutputStoreTest, OriginalOfAnotherSizeThanClaimedIsRefused) {
  inner_.Put("originals/one", "fLaC and some more bytes");
  const std::int64_t size = 24;
  std::filesystem::path copied = CopyOriginalToLocal(inner_, "originals/one", size, dir_.path());
  EXPECT_EQ(copied, dir_.path() / "original.flac");
  EXPECT_EQ(static_cast<std::int64_t>(std::filesystem::file_size(copied)), size);

  std::filesystem::path other = dir_.path() / "other";
  std::filesystem::create_directories(other);
  try {
    CopyOriginalToLocal(inner_, "originals/one", size - 1, other);
    ADD_FAILURE() << "a replaced original was copied";
  } catch (const PermanentFailure& failure) {
    EXPECT_EQ(failure.reason,
              "the uploaded file was replaced after the track was created (24 bytes instead of "
              "23); upload it again");
  }
  EXPECT_TRUE(std::filesystem::is_empty(other));
}

}  // namespace
}  // namespace cadenza
