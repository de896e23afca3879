#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using TransactionTest = CatalogTest;

TEST_F(TransactionTest, WriteRollsBackEverythingWhenTheCallbackThrows) {
  SeedAlbum();
  EXPECT_THROW(Write([](CatalogTransaction& tx) {
                 tx.users().Insert(MakeUser("u2", "b@example.com"));
                 tx.tracks().Insert(MakeTrack("t1", "al1"));
                 tx.tracks().Delete("t1");  // queues a blob key: must vanish too
                 tx.albums().Delete("al1");
                 throw std::runtime_error("changed my mind");
               }),
               std::runtime_error);
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("u2").has_value());
    EXPECT_TRUE(tx.albums().FindById("al1").has_value());
    EXPECT_TRUE(tx.blob_deletions().Peek(10).empty());
  });
  // The writer is usable afterwards.
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
  Read([](CatalogTransaction& tx) { EXPECT_TRUE(tx.users().FindById("u2").has_value()); });
}

TEST_F(TransactionTest, AFailedStatementRollsBackTheEarlierOnesWhenItPropagates) {
  EXPECT_EQ(ThrownCode([&] {
              Write([](CatalogTransaction& tx) {
                tx.users().Insert(MakeUser("u1", "a@example.com"));
                tx.users().Insert(MakeUser("u2", "A@example.com"));  // conflict
              });
            }),
            ErrorCode::kConflict);
  Read([](CatalogTransaction& tx) { EXPECT_FALSE(tx.users().FindById("u1").has_value()); });
}

TEST_F(TransactionTest, ACaughtErrorDoesNotAbortTheTransaction) {
  Write([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    EXPECT_THROW(tx.users().Insert(MakeUser("u2", "a@example.com")), Error);
    tx.users().Insert(MakeUser("u3", "c@example.com"));
  });
  Read([](CatalogTransaction& tx) {
    EXPECT_TRUE(tx.users().FindById("u1").has_value());
    EXPECT_FALSE(tx.users().FindById("u2").has_value());
    EXPECT_TRUE(tx.users().FindById("u3").has_value());
  });
}

TEST_F(TransactionTest, ReadRefusesWrites) {
  SeedAlbum();
  EXPECT_EQ(
      ThrownCode([&] {
        Read([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
      }),
      ErrorCode::kInternal);
  EXPECT_EQ(ThrownCode([&] { Read([](CatalogTransaction& tx) { tx.albums().Delete("al1"); }); }),
            ErrorCode::kInternal);
  EXPECT_EQ(
      ThrownCode([&] { Read([](CatalogTransaction& tx) { tx.blob_deletions().Enqueue("k"); }); }),
      ErrorCode::kInternal);
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("u2").has_value());
    EXPECT_TRUE(tx.albums().FindById("al1").has_value());
    EXPECT_TRUE(tx.blob_deletions().Peek(10).empty());
  });
}

TEST_F(TransactionTest, ReadSeesOneSnapshot) {
  SeedAlbum();
  Read([&](CatalogTransaction& tx) {
    EXPECT_TRUE(tx.albums().FindById("al1").has_value());
    // Another thread commits meanwhile; WAL readers do not block writers.
    std::thread writer([&] {
      Write([](CatalogTransaction& w) {
        w.albums().Delete("al1");
        w.albums().Insert(MakeAlbum("al2", "ar1"));
      });
    });
    writer.join();
    EXPECT_TRUE(tx.albums().FindById("al1").has_value());
    EXPECT_FALSE(tx.albums().FindById("al2").has_value());
  });
  Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.albums().FindById("al1").has_value());
    EXPECT_TRUE(tx.albums().FindById("al2").has_value());
  });
}

TEST_F(TransactionTest, ReadRethrowsAndReleasesItsConnection) {
  auto catalog = Open(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(catalog->Read([](CatalogTransaction&) { throw std::out_of_range("x"); }),
                 std::out_of_range);
  }
  EXPECT_TRUE(catalog->Healthy());  // would wait forever if the single reader leaked
}

TEST_F(TransactionTest, NestedWriteIsRefused) {
  EXPECT_THROW(Write([&](CatalogTransaction&) { Write([](CatalogTransaction&) {}); }),
               std::logic_error);
  EXPECT_THROW(Write([&](CatalogTransaction&) { catalog_->Migrate(); }), std::logic_error);
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
}

TEST_F(TransactionTest, ValueHelpersReturnWhatTheCallbackReturns) {
  std::string id = catalog_->WriteValue([](CatalogTransaction& tx) {
    tx.users().Insert(MakeUser("u1", "a@example.com"));
    return std::string("u1");
  });
  auto email =
      catalog_->ReadValue([&](CatalogTransaction& tx) { return tx.users().FindById(id)->email; });
  EXPECT_EQ(email, "a@example.com");
}

TEST_F(TransactionTest, PageLimitBelowOneIsInvalid) {
  EXPECT_EQ(ThrownCode([&] {
              Read([](CatalogTransaction& tx) { tx.users().List(PageRequest{.limit = 0}); });
            }),
            ErrorCode::kInvalidArgument);
}

TEST_F(TransactionTest, HealthyOnAnOpenCatalog) { EXPECT_TRUE(catalog_->Healthy()); }

}  // namespace
}  // namespace cadenza::testing
