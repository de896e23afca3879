// The web_dir setting: empty means the web app embedded in the binary.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/config.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::app {
namespace {

TEST(WebDirConfigTest, DefaultsToTheEmbeddedApp) {
  EXPECT_TRUE(BuildConfig({}).web_dir.empty());
}

TEST(WebDirConfigTest, SetByFileEnvironmentOrFlag) {
  test_support::TempDir dir;
  const auto file = dir.path() / "cadenza.toml";
  std::ofstream(file) << "web_dir = \"/srv/cadenza/web\"\n";
  EXPECT_EQ(BuildConfig({{"file", ReadConfigFile(file)}}).web_dir, "/srv/cadenza/web");

  std::string variable = "CADENZA_WEB_DIR=/opt/web";
  char* env[] = {variable.data(), nullptr};
  EXPECT_EQ(BuildConfig({{"file", ReadConfigFile(file)}, {"environment", ReadEnvironment(env)}}).web_dir,
            "/opt/web");
  // A later empty value goes back to the embedded app.
  EXPECT_TRUE(BuildConfig({{"environment", ReadEnvironment(env)}, {"command line", {{"web_dir", ""}}}})
                  .web_dir.empty());
}

}  // namespace
}  // namespace cadenza::app
