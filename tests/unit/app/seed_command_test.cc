// `cadenza dev seed` as the CLI runs it: the exit codes and the --as-of day.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "app/commands.h"
#include "app/config.h"
#include "app/storage.h"
#include "unit/support/temp_dir.h"

namespace cadenza::app {
namespace {

std::vector<Track> Tracks(const Config& config) {
  auto catalog = OpenCatalog(config);
  PageRequest page;
  page.limit = 200;
  return catalog->ReadValue([&](CatalogTransaction& tx) { return tx.tracks().List(page).items; });
}

TEST(SeedCommandTest, RefusesACatalogueWithTracksWithExitTwoUnlessForced) {
  test_support::TempDir dir;
  Config config = BuildConfig({{"command line", {{"data_dir", (dir.path() / "data").string()}}}});
  SeedArgs args;
  args.tracks = 60;
  args.as_of = "2026-01-15";
  EXPECT_EQ(RunDevSeed(config, args), 0);  // a data folder that does not exist yet
  std::vector<Track> first = Tracks(config);
  ASSERT_EQ(first.size(), 60U);
  Timestamp newest = 0;
  for (const Track& t : first) newest = std::max(newest, t.created_at);
  EXPECT_LE(newest, 1768521599999) << "after the end of --as-of 2026-01-15";
  EXPECT_GE(newest, 1768521599999 - 6 * 366LL * 86400000) << "created_at spans six years";

  EXPECT_EQ(RunDevSeed(config, args), 2);
  EXPECT_EQ(Tracks(config).size(), 60U) << "a refused seed adds nothing";

  args.force = true;
  EXPECT_EQ(RunDevSeed(config, args), 0);
  EXPECT_EQ(Tracks(config).size(), 120U);
}

TEST(SeedCommandTest, RejectsAnAsOfThatIsNotADate) {
  test_support::TempDir dir;
  Config config = BuildConfig({{"command line", {{"data_dir", dir.path().string()}}}});
  SeedArgs args;
  args.tracks = 1;
  args.as_of = "15/01/2026";
  EXPECT_THROW(RunDevSeed(config, args), std::runtime_error);
  args.as_of = "2026-13-01";
  EXPECT_THROW(RunDevSeed(config, args), std::runtime_error);
}

}  // namespace
}  // namespace cadenza::app
