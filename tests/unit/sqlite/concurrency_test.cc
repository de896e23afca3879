#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using ConcurrencyTest = CatalogTest;

std::string UserId(int thread, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "u-%d-%04d", thread, i);
  return buf;
}

std::set<std::string> AllUserIds(Catalog& catalog) {
  std::set<std::string> ids;
  PageRequest page{.limit = 200};
  while (true) {
    auto result = catalog.ReadValue([&](CatalogTransaction& tx) { return tx.users().List(page); });
    for (const auto& u : result.items) EXPECT_TRUE(ids.insert(u.id).second) << u.id;
    if (!result.next_after_id) break;
    page.after_id = result.next_after_id;
  }
  return ids;
}

TEST_F(ConcurrencyTest, TwoCatalogsOnOneFileWaitForEachOther) {
  // Two catalogs stand for two processes: the in-process mutex does not cover them, SQLite's
  // file lock with the busy timeout does.
  auto other = Open(SqliteOptions{.read_connections = 1, .busy_timeout = std::chrono::seconds(30)});
  std::atomic<int> failures{0};
  auto insert_many = [&](Catalog& catalog, int t) {
    for (int i = 0; i < 50; ++i) {
      try {
        catalog.Write([&](CatalogTransaction& tx) {
          std::string id = UserId(t, i);
          tx.users().Insert(MakeUser(id, id + "@example.com"));
        });
      } catch (...) {
        failures.fetch_add(1);
      }
    }
  };
  std::thread a([&] { insert_many(*catalog_, 0); });
  std::thread b([&] { insert_many(*other, 1); });
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(AllUserIds(*other).size(), 100u);
  EXPECT_EQ(AllUserIds(*catalog_).size(), 100u);
}

}  // namespace
}  // namespace cadenza::testing
