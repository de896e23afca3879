// The signing keys: created on first start in the default folder, required in a shared
// secrets_dir, written by `cadenza secrets init`, and refused at start when exposed.
#include "app/secrets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "app/config.h"
#include "app/runtime.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::app {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Config WithDirs(const fs::path& data_dir, const fs::path& secrets_dir = {}) {
  Settings settings{{"data_dir", data_dir.string()}};
  if (!secrets_dir.empty()) settings["secrets_dir"] = secrets_dir.string();
  return BuildConfig({{"flags", settings}});
}

template <typename Fn>
std::string ErrorOf(Fn&& fn) {
  try {
    fn();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SecretsTest, TheSettingDefaultsToTheDataDirectory) {
  EXPECT_EQ(WithDirs("/srv/cadenza").SecretsDirectory(), "/srv/cadenza/secrets");
  EXPECT_EQ(WithDirs("/srv/cadenza", "/etc/cadenza/keys").SecretsDirectory(), "/etc/cadenza/keys");
  std::string variable = "CADENZA_SECRETS_DIR=/run/keys";
  char* env[] = {variable.data(), nullptr};
  EXPECT_EQ(BuildConfig({{"environment", ReadEnvironment(env)}}).secrets_dir, "/run/keys");
}

TEST(SecretsTest, TheDefaultFolderGetsItsKeysOnFirstStart) {
  TempDir temp;
  const Config config = WithDirs(temp.path() / "data");
  const Secrets first = LoadSecrets(config);
  for (std::string_view name : kSecretFiles) {
    const fs::path file = temp.path() / "data" / "secrets" / name;
    EXPECT_EQ(fs::file_size(file), kSecretBytes) << file;
    EXPECT_EQ(ModeOf(file), 0600) << file;
  }
  EXPECT_NE(first.token, first.url);
  EXPECT_NE(first.url, first.media);
  const Secrets again = LoadSecrets(config);
  EXPECT_EQ(again.token, first.token);
  EXPECT_EQ(again.url, first.url);
  EXPECT_EQ(again.media, first.media);
}

TEST(SecretsTest, AnExplicitFolderWithoutKeysIsAnErrorThatSaysHowToFixIt) {
  TempDir temp;
  const fs::path shared = temp.path() / "shared";
  const std::string message = ErrorOf([&] { LoadSecrets(WithDirs(temp.path() / "data", shared)); });
  EXPECT_NE(message.find("no token.key in " + shared.string() + ": run `cadenza secrets init --dir " +
                         shared.string() + "` once and share the folder with every instance"),
            std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(shared));  // nothing invented

  InitSecrets(shared, false);
  fs::remove(shared / "url.key");
  EXPECT_NE(ErrorOf([&] { LoadSecrets(WithDirs(temp.path() / "data", shared)); })
                .find("no url.key in " + shared.string()),
            std::string::npos);
  EXPECT_FALSE(fs::exists(shared / "url.key"));
}

TEST(SecretsTest, AStartWithoutTheSharedKeysTouchesNoDatabase) {
  TempDir temp;
  const Config config = WithDirs(temp.path() / "data", temp.path() / "missing");
  EXPECT_NE(ErrorOf([&] { Runtime runtime(config); }).find("cadenza secrets init"), std::string::npos);
  EXPECT_FALSE(fs::exists(config.DatabaseFile()));
}

TEST(SecretsTest, InitWritesThreePrivateKeysThatEveryInstanceLoads) {
  TempDir temp;
  const fs::path shared = temp.path() / "cluster" / "keys";
  const std::vector<fs::path> written = InitSecrets(shared, false);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(ModeOf(shared), 0700);
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(written[i], shared / kSecretFiles[i]);
    EXPECT_EQ(ModeOf(written[i]), 0600);
    EXPECT_EQ(fs::file_size(written[i]), kSecretBytes);
  }
  const Secrets a = LoadSecrets(WithDirs(temp.path() / "a", shared));
  const Secrets b = LoadSecrets(WithDirs(temp.path() / "b", shared));
  EXPECT_EQ(a.token, ReadFile(shared / "token.key"));
  EXPECT_EQ(a.url, ReadFile(shared / "url.key"));
  EXPECT_EQ(a.media, ReadFile(shared / "media.key"));
  EXPECT_EQ(b.token, a.token);
  EXPECT_NE(a.token, a.url);
  EXPECT_FALSE(fs::exists(temp.path() / "a" / "secrets"));  // the data folders hold none
}

TEST(SecretsTest, InitRefusesToReplaceKeysUnlessForced) {
  TempDir temp;
  const fs::path shared = temp.path() / "keys";
  InitSecrets(shared, false);
  const std::string token = ReadFile(shared / "token.key");
  const std::string message = ErrorOf([&] { InitSecrets(shared, false); });
  EXPECT_NE(message.find("already holds token.key, url.key, media.key"), std::string::npos) << message;
  EXPECT_NE(message.find("--force"), std::string::npos) << message;
  EXPECT_EQ(ReadFile(shared / "token.key"), token);

  // One key present is enough to refuse: a partial folder is never silently completed.
  fs::remove(shared / "token.key");
  fs::remove(shared / "media.key");
  const std::string url = ReadFile(shared / "url.key");
  EXPECT_NE(ErrorOf([&] { InitSecrets(shared, false); }).find("already holds url.key;"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(shared / "token.key"));

  InitSecrets(shared, true);
  EXPECT_NE(ReadFile(shared / "url.key"), url);
  EXPECT_EQ(fs::file_size(shared / "token.key"), kSecretBytes);
  EXPECT_EQ(ModeOf(shared / "url.key"), 0600);
}

TEST(SecretsTest, AKeyOthersCanReadIsRefusedAtStart) {
  TempDir temp;
  const fs::path shared = temp.path() / "keys";
  InitSecrets(shared, false);
  ASSERT_EQ(::chmod((shared / "media.key").c_str(), 0644), 0);
  const std::string message = ErrorOf([&] { LoadSecrets(WithDirs(temp.path() / "data", shared)); });
  EXPECT_NE(message.find("chmod 600 " + (shared / "media.key").string()), std::string::npos) << message;
}

TEST(SecretsTest, AKeyThatIsNotARegularFileIsRefusedAtStart) {
  TempDir temp;
  const fs::path shared = temp.path() / "keys";
  InitSecrets(shared, false);
  fs::remove(shared / "token.key");
  fs::create_directory(shared / "token.key");
  ::chmod((shared / "token.key").c_str(), 0700);
  const std::string message = ErrorOf([&] { LoadSecrets(WithDirs(temp.path() / "data", shared)); });
  EXPECT_NE(message.find((shared / "token.key").string() + " is not a regular file"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace cadenza::app
