#pragma once
// The Catalog conformance suite's fixture: each test gets a fresh, migrated database of its own
// from the adapter the test binary was linked with (adapters/*_under_test.cc), and entity
// builders. The same test sources run against SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ports/catalog.h"
#include "ports/catalog_seeder.h"
#include "unit/catalog/catalog_builders.h"

namespace cadenza::testing {

// One database of one adapter, for one test.
class CatalogUnderTest {
 public:
  virtual ~CatalogUnderTest() = default;
  // A catalog on this test's database, as another process would open it: `connections` is
  // the pool size (SQLite: reader connections). Not migrated by itself.
  virtual std::unique_ptr<Catalog> Open(int connections) = 0;
  // The bulk loader of this test's database (ports/catalog_seeder.h).
  virtual std::unique_ptr<CatalogSeeder> OpenSeeder() = 0;
  // Runs SQL straight on the database, beside any catalog (to set up what the port cannot).
  virtual void Exec(const std::string& sql) = 0;
  // The integer in the first column of the first row of `sql`.
  virtual std::int64_t QueryInt(const std::string& sql) = 0;
  // "sqlite" or "postgres".
  virtual std::string name() const = 0;
};

// Defined once per test binary, by the adapter it tests: a fresh, empty database.
std::unique_ptr<CatalogUnderTest> NewCatalogUnderTest();

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    under_test_ = NewCatalogUnderTest();
    catalog_ = Open();
    catalog_->Migrate();
  }

  void TearDown() override { catalog_.reset(); }

  std::unique_ptr<Catalog> Open(int connections = 4) { return under_test_->Open(connections); }

  // Shorthands for one-statement transactions.
  void Write(const std::function<void(CatalogTransaction&)>& fn) { catalog_->Write(fn); }
  void Read(const std::function<void(CatalogTransaction&)>& fn) { catalog_->Read(fn); }

  // user "u1" owns artist "ar1" with album "al1".
  void SeedAlbum() {
    Write([](CatalogTransaction& tx) {
      tx.users().Insert(MakeUser("u1", "owner@example.com"));
      tx.artists().Insert(MakeArtist("ar1", "u1"));
      tx.albums().Insert(MakeAlbum("al1", "ar1"));
    });
  }

  std::vector<std::string> QueuedKeys() {
    return catalog_->ReadValue(
        [](CatalogTransaction& tx) { return tx.blob_deletions().Peek(1000); });
  }

  // Declared first: destroyed after every catalog opened on its database.
  std::unique_ptr<CatalogUnderTest> under_test_;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace cadenza::testing
