// The transcoder sandbox's settings.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "app/config.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::app {
namespace {

TEST(SandboxConfigTest, OnByDefaultWithATwoGibibyteLimit) {
  Config c = BuildConfig({});
  EXPECT_TRUE(c.transcode_sandbox);
  EXPECT_EQ(c.transcode_memory_limit, 2LL << 30);
}

TEST(SandboxConfigTest, FlagsEnvironmentAndTomlBooleansSetIt) {
  Config c = BuildConfig({{"command line", {{"transcode_sandbox", "false"},
                                            {"transcode_memory_limit", "512M"}}}});
  EXPECT_FALSE(c.transcode_sandbox);
  EXPECT_EQ(c.transcode_memory_limit, 512LL << 20);

  std::string var = "CADENZA_TRANSCODE_SANDBOX=0";
  char* env[] = {var.data(), nullptr};
  EXPECT_FALSE(BuildConfig({{"environment", ReadEnvironment(env)}}).transcode_sandbox);

  test_support::TempDir temp;
  auto path = temp.path() / "cadenza.toml";
  std::ofstream(path) << "transcode_sandbox = false\n";
  Settings file = ReadConfigFile(path);
  EXPECT_EQ(file.at("transcode_sandbox"), "false");
  EXPECT_FALSE(BuildConfig({{"file", file}}).transcode_sandbox);
}

TEST(SandboxConfigTest, AnythingButABooleanIsRefusedWithItsName) {
  try {
    BuildConfig({{"command line", {{"transcode_sandbox", "maybe"}}}});
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("transcode_sandbox"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cadenza::app
