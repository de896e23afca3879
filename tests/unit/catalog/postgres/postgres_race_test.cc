// PostgreSQL admits concurrent writers: these tests run real concurrent connections (threads
// each with their own Write) against the guarantees SQLite's single writer gave for free.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

constexpr char kKind[] = "transcode";

// Starts `threads` threads running fn(index) as close to together as possible; joins them.
void RunTogether(int threads, const std::function<void(int)>& fn) {
  std::atomic<int> ready{0};
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) {
    running.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();
      fn(i);
    });
  }
  for (auto& t : running) t.join();
}

using PostgresRaceTest = CatalogTest;

TEST_F(PostgresRaceTest, ConcurrentLeasesNeverShareAJobAndLeaseEachOnce) {
  constexpr int kJobs = 60;
  constexpr int kWorkers = 8;
  Write([](CatalogTransaction& tx) {
    for (int i = 0; i < kJobs; ++i) {
      Job job;
      job.id = "j" + std::to_string(i);
      job.kind = kKind;
      job.subject_id = "t" + std::to_string(i);
      job.owner_id = "owner" + std::to_string(i % 3);
      job.run_after = job.created_at = 1000 + i;
      tx.jobs().Enqueue(job);
    }
  });
  auto pool = Open(kWorkers);
  std::mutex mutex;
  std::set<std::string> held;
  std::map<std::string, int> leases;
  std::atomic<int> overlaps{0};
  std::atomic<int> failures{0};
  RunTogether(kWorkers, [&](int w) {
    std::string worker = "w" + std::to_string(w);
    try {
      while (auto job = pool->WriteValue([&](CatalogTransaction& tx) {
               return tx.jobs().Lease(kKind, worker, 5000, 1'000'000);
             })) {
        {
          std::lock_guard lock(mutex);
          if (!held.insert(job->id).second) overlaps.fetch_add(1);
          ++leases[job->id];
        }
        // Held from its lease until its completion commits.
        bool completed = pool->WriteValue(
            [&](CatalogTransaction& tx) { return tx.jobs().Complete(job->id, worker); });
        if (!completed) failures.fetch_add(1);
        std::lock_guard lock(mutex);
        held.erase(job->id);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << worker << ": " << e.what();
    }
  });
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(leases.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, count] : leases) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM jobs"), 0);
}

TEST_F(PostgresRaceTest, ConcurrentReplaceEntriesNeverInterleave) {
  constexpr int kWriters = 6;
  SeedAlbum();
  Write([](CatalogTransaction& tx) {
    for (int i = 0; i < kWriters; ++i) tx.tracks().Insert(MakeTrack("t" + std::to_string(i), "al1"));
    tx.playlists().Insert(MakePlaylist("p1", "u1"));
  });
  // Writer k puts track k in the playlist k + 2 times: a mix of two lists shows at once.
  auto list_of = [](int k) {
    std::vector<PlaylistEntry> entries(static_cast<std::size_t>(k + 2));
    for (auto& e : entries) e.track_id = "t" + std::to_string(k);
    return entries;
  };
  auto pool = Open(kWriters);
  RunTogether(kWriters, [&](int k) {
    for (int round = 0; round < 5; ++round) {
      pool->Write([&](CatalogTransaction& tx) { tx.playlists().ReplaceEntries("p1", list_of(k)); });
    }
  });
  auto entries = catalog_->ReadValue(
      [](CatalogTransaction& tx) { return tx.playlists().ListEntries("p1"); });
  ASSERT_GE(entries.size(), 2u);
  int k = static_cast<int>(entries.size()) - 2;
  for (const auto& e : entries) EXPECT_EQ(e.track_id, "t" + std::to_string(k));
  EXPECT_EQ(under_test_->QueryInt("SELECT max(position) + 1 FROM playlist_entries"),
            static_cast<std::int64_t>(entries.size()));
}

TEST_F(PostgresRaceTest, ACountCheckedInsideWriteHoldsUnderConcurrentInserts) {
  constexpr int kLimit = 3;
  constexpr int kClients = 10;
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  auto pool = Open(kClients);
  std::atomic<int> issued{0};
  RunTogether(kClients, [&](int i) {
    bool inserted = pool->WriteValue([&](CatalogTransaction& tx) {
      if (tx.uploads().CountOpen("u1", 0).count >= kLimit) return false;
      std::string id = "s" + std::to_string(i);
      tx.uploads().Insert(MakeUpload(id, "u1", "originals/" + id));
      return true;
    });
    if (inserted) issued.fetch_add(1);
  });
  EXPECT_EQ(issued.load(), kLimit);
  EXPECT_EQ(under_test_->QueryInt("SELECT count(*) FROM uploads"), kLimit);
}

TEST_F(PostgresRaceTest, ReadModifyWriteUpdatesAreNeverLost) {
  constexpr int kWriters = 6;
  constexpr int kBumps = 10;
  Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  auto pool = Open(kWriters);
  RunTogether(kWriters, [&](int) {
    for (int i = 0; i < kBumps; ++i) {
      // What AccountService does to revoke tokens: read the account, bump, write it back.
      pool->Write([](CatalogTransaction& tx) {
        User user = *tx.users().FindById("u1");
        ++user.token_version;
        tx.users().Update(user);
      });
    }
  });
  auto user = catalog_->ReadValue([](CatalogTransaction& tx) { return tx.users().FindById("u1"); });
  EXPECT_EQ(user->token_version, kWriters * kBumps);
}

TEST(PostgresMigrationRaceTest, CatalogsMigratingAtOnceRunEachMigrationOnce) {
  constexpr int kCatalogs = 4;
  std::string database = NewEmptyDatabase();
  std::vector<std::unique_ptr<Catalog>> catalogs;
  for (int i = 0; i < kCatalogs; ++i) {
    catalogs.push_back(OpenPostgresCatalog(
        PostgresOptions{.url = test_support::SharedPostgresServer().Url(database), .pool_size = 1}));
  }
  std::atomic<int> ran{0};
  RunTogether(kCatalogs, [&](int i) { ran.fetch_add(catalogs[static_cast<std::size_t>(i)]->Migrate()); });
  auto total = static_cast<int>(pg::AllMigrations().size());
  EXPECT_EQ(ran.load(), total);
  EXPECT_EQ(SideConnection(database).Exec("SELECT count(*) FROM schema_migrations").Int(0, 0), total);
  for (auto& catalog : catalogs) EXPECT_EQ(catalog->Migrate(), 0);
  catalogs.front()->Write(
      [](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
}

}  // namespace
}  // namespace cadenza::testing
