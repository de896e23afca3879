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

TEST_F(ConcurrencyTest, WritersFromFourThreadsAllLandWhileReadersRead) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<bool> writing{true};
  std::atomic<int> read_failures{0};
  std::thread reader([&] {
    while (writing.load()) {
      try {
        Read([](CatalogTransaction& tx) { tx.users().List(PageRequest{.limit = 10}); });
      } catch (...) {
        read_failures.fetch_add(1);
      }
    }
  });
  std::vector<std::thread> writers;
  std::atomic<int> write_failures{0};
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          Write([&](CatalogTransaction& tx) {
            std::string id = UserId(t, i);
            tx.users().Insert(MakeUser(id, id + "@example.com"));
          });
        } catch (...) {
          write_failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  writing.store(false);
  reader.join();

  EXPECT_EQ(write_failures.load(), 0);
  EXPECT_EQ(read_failures.load(), 0);
  auto ids = AllUserIds(*catalog_);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) EXPECT_TRUE(ids.count(UserId(t, i))) << UserId(t, i);
  }
}

}  // namespace
}  // namespace cadenza::testing
