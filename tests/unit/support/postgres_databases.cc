#include "unit/support/postgres_databases.h"

#include <atomic>
#include <chrono>
#include <mutex>

#include "adapters/postgres/postgres_catalog.h"
#include "unit/support/postgres_server.h"

namespace cadenza::testing {
namespace {

constexpr char kTemplate[] = "cadenza_template";

std::string NextName() {
  static std::atomic<int> counter{0};
  return "cadenza_test_" + std::to_string(counter.fetch_add(1));
}

void Create(const std::string& database, const std::string& from) {
  SideConnection("postgres").Script("CREATE DATABASE " + database + " TEMPLATE " + from);
}

}  // namespace

pg::Connection SideConnection(const std::string& database) {
  return pg::Connection(test_support::SharedPostgresServer().Url(database),
                        std::chrono::seconds(30));
}

std::string NewEmptyDatabase() {
  std::string name = NextName();
  Create(name, "template0");
  return name;
}

std::string NewMigratedDatabase() {
  static std::once_flag once;
  std::call_once(once, [] {
    Create(kTemplate, "template0");
    auto catalog = OpenPostgresCatalog(
        PostgresOptions{.url = test_support::SharedPostgresServer().Url(kTemplate), .pool_size = 1});
    catalog->Migrate();
  });  // the catalog is closed here: a template must have no sessions when it is copied
  std::string name = NextName();
  Create(name, kTemplate);
  return name;
}

}  // namespace cadenza::testing
