#pragma once
// A fresh, migrated SQLite catalog in its own temporary folder per test, for the tests of what
// only SQLite has (the file, WAL, upgrades from older schema versions, the busy timeout).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "adapters/sqlite/sqlite_catalog.h"
#include "ports/catalog.h"
#include "unit/catalog/catalog_builders.h"
#include "unit/support/temp_dir.h"

namespace cadenza::testing {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = Open();
    catalog_->Migrate();
  }

  void TearDown() override { catalog_.reset(); }

  std::filesystem::path db_path() const { return dir_ / "catalog.db"; }

  std::unique_ptr<Catalog> Open(SqliteOptions options = {}) {
    return OpenSqliteCatalog(db_path(), options);
  }

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

  test_support::TempDir temp_;
  const std::filesystem::path dir_ = temp_.path();
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace cadenza::testing
