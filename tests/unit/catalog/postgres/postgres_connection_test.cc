// The pool and the server going away: broken connections are replaced, a full pool or a
// stopped server answers Error(kUnavailable) instead of hanging, and no message shows the
// password.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "adapters/postgres/pg_migrations.h"
#include "adapters/postgres/postgres_catalog.h"
#include "unit/catalog/catalog_fixture.h"
#include "unit/support/postgres_databases.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

using PostgresConnectionTest = CatalogTest;

// Ends every session on the test's database except the caller's own.
void TerminateOtherSessions(CatalogUnderTest& under_test) {
  under_test.Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
}

TEST_F(PostgresConnectionTest, AnIdleConnectionKilledByTheServerIsReplaced) {
  auto catalog = Open(1);
  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  TerminateOtherSessions(*under_test_);  // the pooled connection is dead now
  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
  EXPECT_TRUE(catalog->ReadValue(
      [](CatalogTransaction& tx) { return tx.users().FindById("u2").has_value(); }));
  EXPECT_TRUE(catalog->Healthy());
}

TEST_F(PostgresConnectionTest, AConnectionKilledMidTransactionFailsItThenIsReplaced) {
  auto catalog = Open(1);
  EXPECT_EQ(ThrownCode([&] {
              catalog->Write([&](CatalogTransaction& tx) {
                tx.users().Insert(MakeUser("u1", "a@example.com"));
                TerminateOtherSessions(*under_test_);
                tx.users().Insert(MakeUser("u2", "b@example.com"));
              });
            }),
            ErrorCode::kUnavailable);
  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u3", "c@example.com")); });
  catalog->Read([](CatalogTransaction& tx) {
    EXPECT_FALSE(tx.users().FindById("u1").has_value());  // rolled back with the session
    EXPECT_TRUE(tx.users().FindById("u3").has_value());
  });
}

TEST(PostgresPoolTest, AFullPoolAnswersBusyAfterTheTimeout) {
  std::string database = NewMigratedDatabase();
  PostgresOptions options{.url = test_support::SharedPostgresServer().Url(database),
                          .pool_size = 1,
                          .timeout = std::chrono::milliseconds(1000)};
  auto catalog = OpenPostgresCatalog(options);
  std::string message;
  catalog->Write([&](CatalogTransaction&) {
    // The only connection is taken by this Write: another thread's Read waits, then gives up.
    std::thread reader([&] {
      try {
        catalog->Read([](CatalogTransaction&) {});
      } catch (const Error& e) {
        message = std::string(e.what()) + (e.code() == ErrorCode::kUnavailable ? " [503]" : "");
      }
    });
    reader.join();
  });
  EXPECT_NE(message.find("database busy"), std::string::npos) << message;
  EXPECT_NE(message.find("[503]"), std::string::npos) << message;
  EXPECT_TRUE(catalog->Healthy());  // the connection went back to the pool
}

TEST(PostgresServerDownTest, AStoppedServerIsUnavailableNotAHang) {
  test_support::PostgresServer server;  // its own: this test stops it
  std::string url = "postgresql://postgres:s3cret-pw@127.0.0.1:" + std::to_string(server.port()) +
                    "/postgres";
  PostgresOptions options{.url = url, .pool_size = 2, .timeout = std::chrono::seconds(2)};
  auto catalog = OpenPostgresCatalog(options);
  ASSERT_EQ(catalog->Migrate(), static_cast<int>(pg::AllMigrations().size()));
  catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u1", "a@example.com")); });
  server.Stop();

  std::string message;
  try {
    catalog->Write([](CatalogTransaction& tx) { tx.users().Insert(MakeUser("u2", "b@example.com")); });
    ADD_FAILURE() << "a write succeeded on a stopped server";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    message = e.what();
  }
  EXPECT_FALSE(catalog->Healthy());
  EXPECT_EQ(ThrownCode([&] { catalog->Read([](CatalogTransaction&) {}); }), ErrorCode::kUnavailable);
  try {
    OpenPostgresCatalog(options);
    ADD_FAILURE() << "opened a catalog on a stopped server";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    message += e.what();
  }
  EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
}

TEST(PostgresOpenTest, RefusesBadOptionsAndNeverShowsThePassword) {
  EXPECT_THROW(OpenPostgresCatalog(PostgresOptions{.url = "postgresql://x", .pool_size = 0}),
               std::invalid_argument);
  // A URL libpq cannot parse: its parse error would quote the text.
  std::string message = ThrownMessage(
      [] { OpenPostgresCatalog(PostgresOptions{.url = "postgresql://u:s3cret-pw@h:99999x/%zz"}); });
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
  EXPECT_EQ(ThrownCode([] {
              OpenPostgresCatalog(PostgresOptions{.url = "postgresql://u:s3cret-pw@h:99999x/%zz"});
            }),
            ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace cadenza::testing
