// Read replicas on a real streaming replica: reads are served by it while it is within the
// allowed lag, writers read their writes through commit positions, ReadLatest and reads inside
// a Write stay on the primary, and a replica that goes away costs no read an error.
// The replica's replay is paused (pg_wal_replay_pause) to make it visibly stale.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_builders.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

using std::chrono::milliseconds;
using test_support::PostgresServer;

constexpr milliseconds kLargeLag = std::chrono::hours(1);

// Waits (bounded) for `condition`; the bound is a safety net, never what a test asserts.
bool Eventually(const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return condition();
}

pg::Connection Connect(const PostgresServer& server, const std::string& database) {
  return pg::Connection(server.Url(database), std::chrono::seconds(30));
}

// A primary and its streaming replica, with a migrated database of the test's own.
class ReplicaPair {
 public:
  ReplicaPair() : primary_(std::make_unique<PostgresServer>()) {
    replica_ = std::make_unique<PostgresServer>(PostgresServer::ReplicaOf{*primary_});
  }
  PostgresServer& primary() { return *primary_; }
  PostgresServer& replica() { return *replica_; }

  std::string NewDatabase() {
    std::string name = "cadenza_replica_" + std::to_string(next_++);
    Connect(*primary_, "postgres").Script("CREATE DATABASE " + name + " TEMPLATE template0");
    OpenPostgresCatalog(PostgresOptions{.url = primary_->Url(name), .pool_size = 1})->Migrate();
    return name;
  }

  void PauseReplay() {
    pg::Connection replica = Connect(*replica_, "postgres");
    replica.Script("SELECT pg_wal_replay_pause()");
    ASSERT_TRUE(Eventually([&] {
      return replica.Exec("SELECT pg_get_wal_replay_pause_state()").Text(0, 0) == "paused";
    }));
  }
  void ResumeReplay() { Connect(*replica_, "postgres").Script("SELECT pg_wal_replay_resume()"); }

 private:
  std::unique_ptr<PostgresServer> primary_;
  std::unique_ptr<PostgresServer> replica_;
  int next_ = 0;
};

class PostgresReplicaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pair_ = new ReplicaPair(); }
  static void TearDownTestSuite() {
    delete pair_;
    pair_ = nullptr;
  }
  void SetUp() override { database_ = pair_->NewDatabase(); }
  void TearDown() override { pair_->ResumeReplay(); }

  std::unique_ptr<Catalog> OpenWithReplica(milliseconds max_lag) {
    auto catalog = OpenPostgresCatalog(
        PostgresOptions{.url = pair_->primary().Url(database_),
                        .pool_size = 2,
                        .replica_urls = {pair_->replica().Url(database_)},
                        .replica_max_lag = max_lag});
    EXPECT_TRUE(Eventually([&] { return catalog->Replicas().at(0).usable; }));
    return catalog;
  }

  // Writes on a thread of its own, so that the test's thread has no Write of its own to read
  // after; returns the Write's commit position.
  static std::string WriteElsewhere(Catalog& catalog, const std::string& id) {
    std::string position;
    std::thread([&] {
      catalog.Write([&](CatalogTransaction& tx) {
        tx.users().Insert(MakeUser(id, id + "@example.com"));
      });
      position = catalog.LastWritePosition();
    }).join();
    return position;
  }

  static bool Sees(Catalog& catalog, const std::string& id) {
    return catalog.ReadValue(
        [&](CatalogTransaction& tx) { return tx.users().FindById(id).has_value(); });
  }

  static ReplicaPair* pair_;
  std::string database_;
};

ReplicaPair* PostgresReplicaTest::pair_ = nullptr;

TEST_F(PostgresReplicaTest, ReadsAreServedByTheReplicaUntilItLagsTooFar) {
  auto tolerant = OpenWithReplica(kLargeLag);
  auto strict = OpenWithReplica(milliseconds(1000));
  pair_->PauseReplay();
  WriteElsewhere(*tolerant, "u1");

  // Only the replica, paused before the commit, can answer without the row.
  EXPECT_FALSE(Sees(*tolerant, "u1"));
  EXPECT_TRUE(tolerant->Replicas().at(0).usable);

  // The same replica, once more than a second behind, is skipped: the primary answers.
  ASSERT_TRUE(Eventually([&] { return !strict->Replicas().at(0).usable; }));
  EXPECT_TRUE(Sees(*strict, "u1"));
  EXPECT_FALSE(Sees(*tolerant, "u1"));

  // Replay catches up: the strict catalog uses the replica again.
  pair_->ResumeReplay();
  EXPECT_TRUE(Eventually([&] { return strict->Replicas().at(0).usable; }));
}

TEST_F(PostgresReplicaTest, AReadFencedAtAWritesPositionSeesIt) {
  auto catalog = OpenWithReplica(kLargeLag);
  pair_->PauseReplay();
  std::string position = WriteElsewhere(*catalog, "u1");
  ASSERT_FALSE(position.empty());

  EXPECT_FALSE(Sees(*catalog, "u1"));  // unfenced: the stale replica
  {
    auto fence = catalog->FenceReads(position);
    ASSERT_NE(fence, nullptr);
    EXPECT_TRUE(Sees(*catalog, "u1"));
    EXPECT_EQ(catalog->LastWritePosition(), "");  // no Write under this fence yet
  }
  EXPECT_FALSE(Sees(*catalog, "u1"));  // the fence is over
  {
    auto ignored = catalog->FenceReads("not a position");
    EXPECT_FALSE(Sees(*catalog, "u1"));
  }
}

TEST_F(PostgresReplicaTest, AThreadReadsItsOwnWritesAndReadsInsideAWriteSeeTheLatest) {
  auto catalog = OpenWithReplica(kLargeLag);
  pair_->PauseReplay();
  WriteElsewhere(*catalog, "u1");
  EXPECT_FALSE(Sees(*catalog, "u1"));  // the stale replica
  catalog->Write([&](CatalogTransaction&) { EXPECT_TRUE(Sees(*catalog, "u1")); });

  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
  EXPECT_FALSE(catalog->LastWritePosition().empty());
  EXPECT_TRUE(Sees(*catalog, "u2"));  // no fence needed on the thread that wrote
}

TEST_F(PostgresReplicaTest, ReadLatestNeverReadsTheReplica) {
  auto catalog = OpenWithReplica(kLargeLag);
  pair_->PauseReplay();
  WriteElsewhere(*catalog, "u1");
  EXPECT_FALSE(Sees(*catalog, "u1"));
  EXPECT_TRUE(catalog->ReadLatestValue(
      [](CatalogTransaction& tx) { return tx.users().FindById("u1").has_value(); }));
}

TEST_F(PostgresReplicaTest, AReadWhoseReplicaConnectionDiesRunsAgainOnThePrimary) {
  auto catalog = OpenWithReplica(kLargeLag);
  pair_->PauseReplay();
  WriteElsewhere(*catalog, "u1");
  pg::Connection replica = Connect(pair_->replica(), "postgres");
  const std::string others = "FROM pg_stat_activity WHERE datname = '" + database_ + "'";
  std::vector<bool> seen;
  catalog->Read([&](CatalogTransaction& tx) {
    seen.push_back(tx.users().FindById("u1").has_value());
    if (seen.size() == 1) {  // end the replica's sessions, this snapshot's included
      replica.Script("SELECT pg_terminate_backend(pid) " + others);
      ASSERT_TRUE(Eventually([&] { return replica.Exec("SELECT count(*) " + others).Int(0, 0) == 0; }));
    }
    tx.users().FindById("u2");  // fails on the dead replica session, not on the primary
  });
  EXPECT_EQ(seen, (std::vector<bool>{false, true}));  // the stale replica, then the primary
}

TEST_F(PostgresReplicaTest, WithoutReplicasThereAreNoPositionsOrFences) {
  auto catalog = OpenPostgresCatalog(
      PostgresOptions{.url = pair_->primary().Url(database_), .pool_size = 1});
  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  EXPECT_EQ(catalog->LastWritePosition(), "");
  EXPECT_EQ(catalog->FenceReads("0/1"), nullptr);
  EXPECT_TRUE(catalog->Replicas().empty());
}

TEST(PostgresReplicaStopTest, AStoppedReplicaCostsNoReadAndIsUsedAgainOnceBack) {
  ReplicaPair pair;  // its own: this test stops the replica
  std::string database = pair.NewDatabase();
  std::mutex mutex;
  std::vector<bool> changes;
  auto catalog = OpenPostgresCatalog(PostgresOptions{
      .url = pair.primary().Url(database),
      .pool_size = 2,
      .replica_urls = {"postgresql://postgres:pw@127.0.0.1:" +
                       std::to_string(pair.replica().port()) + "/" + database},
      .replica_max_lag = kLargeLag,
      .on_replica_change = [&](const Catalog::ReplicaStatus& status) {
        std::lock_guard lock(mutex);
        changes.push_back(status.usable);
      }});
  ASSERT_TRUE(Eventually([&] { return catalog->Replicas().at(0).usable; }));
  EXPECT_EQ(catalog->Replicas().at(0).server,
            "127.0.0.1:" + std::to_string(pair.replica().port()) + "/" + database);
  std::thread([&] {
    catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  }).join();
  ASSERT_TRUE(Eventually([&] { return catalog->ReadValue([](CatalogTransaction& tx) {
    return tx.users().FindById("u1").has_value();
  }); }));

  pair.replica().Stop();
  for (int i = 0; i < 5; ++i) {  // the first may still pick the replica: it reruns on the primary
    EXPECT_TRUE(catalog->ReadValue(
        [](CatalogTransaction& tx) { return tx.users().FindById("u1").has_value(); }));
  }
  ASSERT_TRUE(Eventually([&] { return !catalog->Replicas().at(0).usable; }));

  pair.replica().Start();
  ASSERT_TRUE(Eventually([&] { return catalog->Replicas().at(0).usable; }));
  pair.PauseReplay();
  std::thread([&] {
    catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
  }).join();
  EXPECT_FALSE(catalog->ReadValue(
      [](CatalogTransaction& tx) { return tx.users().FindById("u2").has_value(); }));
  pair.ResumeReplay();
  catalog.reset();  // the monitor stops before `changes` goes
  std::lock_guard lock(mutex);
  EXPECT_EQ(changes, (std::vector<bool>{true, false, true}));
}

}  // namespace
}  // namespace cadenza::testing
