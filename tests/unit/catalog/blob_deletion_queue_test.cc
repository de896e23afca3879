#include <gtest/gtest.h>

#include <algorithm>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using BlobDeletionQueueTest = CatalogTest;

TEST_F(BlobDeletionQueueTest, EnqueuePeekRemove) {
  Write([](CatalogTransaction& tx) {
    tx.blob_deletions().Enqueue("k/1");
    tx.blob_deletions().Enqueue("k/2");
    tx.blob_deletions().Enqueue("k/1");  // already queued: no-op
  });
  auto keys = QueuedKeys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (Strings{"k/1", "k/2"}));
  EXPECT_EQ(catalog_->ReadValue([](CatalogTransaction& tx) { return tx.blob_deletions().Peek(1); })
                .size(),
            1u);

  Write([](CatalogTransaction& tx) { tx.blob_deletions().Remove("k/1"); });
  EXPECT_EQ(QueuedKeys(), (Strings{"k/2"}));
  // Removing an absent key (another sweeper got there first) is not an error.
  Write([](CatalogTransaction& tx) {
    tx.blob_deletions().Remove("k/1");
    tx.blob_deletions().Remove("k/2");
  });
  EXPECT_TRUE(QueuedKeys().empty());
}

TEST_F(BlobDeletionQueueTest, PeekReturnsOldestFirst) {
  {
    // Explicit queue times through a side connection: the queue stamps keys with the clock.
    under_test_->Exec(
        "INSERT INTO blob_deletions (blob_key, queued_at) VALUES "
        "('k/late', 3000), ('k/early', 1000), ('k/middle-b', 2000), ('k/middle-a', 2000)");
  }
  EXPECT_EQ(QueuedKeys(), (Strings{"k/early", "k/middle-a", "k/middle-b", "k/late"}));
  EXPECT_EQ(catalog_->ReadValue([](CatalogTransaction& tx) { return tx.blob_deletions().Peek(2); }),
            (Strings{"k/early", "k/middle-a"}));
}

}  // namespace
}  // namespace cadenza::testing
