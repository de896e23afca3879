#include "adapters/localfs/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "unit/support/test_fixtures.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void WriteFile(const fs::path& path, std::string_view bytes, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string ThrownMessage(const fs::path& file, std::size_t bytes) {
  try {
    LoadOrCreateSecret(file, bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "secret file was accepted";
  return {};
}

TEST(SecretFileTest, CreatesAPrivateFileAndFolderThenReloadsIt) {
  TempDir temp;
  const fs::path file = temp.path() / "state" / "keys" / "token.key";
  std::string secret = LoadOrCreateSecret(file, 32);
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(ModeOf(file), 0600);
  EXPECT_EQ(ModeOf(file.parent_path()), 0700);
  EXPECT_EQ(ModeOf(file.parent_path().parent_path()), 0700);
  EXPECT_EQ(fs::file_size(file), 32u);
  // No temp file left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);

  EXPECT_EQ(LoadOrCreateSecret(file, 32), secret);
  EXPECT_EQ(LoadOrCreateSecret(file, 32), secret);

  std::string other = LoadOrCreateSecret(temp.path() / "state" / "keys" / "url.key", 32);
  EXPECT_NE(other, secret);
}

TEST(SecretFileTest, ReturnsTheRawBytesOfAnExistingFile) {
  TempDir temp;
  const fs::path file = temp.path() / "given.key";
  std::string bytes(48, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 5);
  WriteFile(file, bytes, 0600);
  EXPECT_EQ(LoadOrCreateSecret(file, 48), bytes);
  WriteFile(file, bytes, 0400);  // read-only for the owner is fine too
  EXPECT_EQ(LoadOrCreateSecret(file, 48), bytes);
}

TEST(SecretFileTest, RefusesFilesOthersCanReadOrWrite) {
  TempDir temp;
  const fs::path file = temp.path() / "open.key";
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0666}) {
    WriteFile(file, std::string(32, 'k'), mode);
    std::string message = ThrownMessage(file, 32);
    EXPECT_NE(message.find("chmod 600 " + file.string()), std::string::npos)
        << std::oct << mode << ": " << message;
  }
  ::chmod(file.c_str(), 0600);
  EXPECT_EQ(LoadOrCreateSecret(file, 32), std::string(32, 'k'));
}

TEST(SecretFileTest, RefusesAFileOfTheWrongLength) {
  TempDir temp;
  const fs::path file = temp.path() / "short.key";
  WriteFile(file, std::string(31, 'k'), 0600);
  std::string message = ThrownMessage(file, 32);
  EXPECT_NE(message.find("31 bytes, expected 32"), std::string::npos) << message;
  WriteFile(file, "", 0600);
  EXPECT_NE(ThrownMessage(file, 32).find("0 bytes"), std::string::npos);
  EXPECT_EQ(fs::file_size(file), 0u);  // never overwritten
}

TEST(SecretFileTest, RefusesAFolderAndZeroBytes) {
  TempDir temp;
  fs::create_directory(temp.path() / "dir.key");
  ::chmod((temp.path() / "dir.key").c_str(), 0700);
  EXPECT_NE(ThrownMessage(temp.path() / "dir.key", 32).find("not a regular file"),
            std::string::npos);
  EXPECT_THROW(LoadOrCreateSecret(temp.path() / "x.key", 0), std::invalid_argument);
}

TEST(SecretFileTest, ConcurrentCreatorsAgreeOnOneSecret) {
  for (int round = 0; round < 20; ++round) {
    TempDir temp;
    const fs::path file = temp.path() / "race" / "secret.key";
    std::vector<std::string> got(4);
    std::vector<std::thread> threads;
    for (std::string& out : got) {
      threads.emplace_back([&file, &out] { out = LoadOrCreateSecret(file, 64); });
    }
    for (std::thread& t : threads) t.join();
    for (const std::string& secret : got) EXPECT_EQ(secret, got[0]);
    EXPECT_EQ(LoadOrCreateSecret(file, 64), got[0]);
    EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()),
              1);
  }
}

TEST(SecretFileTest, RefusesAnyPermissionBitForGroupOrOthers) {
  TempDir temp;
  const fs::path file = temp.path() / "exec.key";
  for (mode_t mode : {0610, 0601, 0700 | 0010}) {
    WriteFile(file, std::string(32, 'k'), mode);
    std::string message = ThrownMessage(file, 32);
    EXPECT_NE(message.find("group or others"), std::string::npos) << std::oct << mode << message;
    EXPECT_NE(message.find("chmod 600 " + file.string()), std::string::npos) << message;
  }
  WriteFile(file, std::string(32, 'k'), 0700);  // the owner's own execute bit harms no one
  EXPECT_EQ(LoadOrCreateSecret(file, 32), std::string(32, 'k'));
}

TEST(SecretFileTest, RefusesAFifoWithoutWaitingForAWriter) {
  TempDir temp;
  const fs::path file = temp.path() / "fifo.key";
  ASSERT_EQ(::mkfifo(file.c_str(), 0600), 0);
  EXPECT_NE(ThrownMessage(file, 32).find("not a regular file"), std::string::npos);
}

TEST(SecretFileTest, RefusesAFileOwnedByAnotherUser) {
  TempDir temp;
  const fs::path file = temp.path() / "theirs.key";
  WriteFile(file, std::string(32, 'k'), 0600);
  if (::geteuid() != 0) GTEST_SKIP() << "only root can give a file to another user";
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  std::string message = ThrownMessage(file, 32);
  EXPECT_NE(message.find(file.string() + " is owned by user 65534"), std::string::npos) << message;
  EXPECT_NE(message.find("chown"), std::string::npos) << message;
}

TEST(SecretFileTest, FollowsALinkToAGoodFileAndChecksThatFile) {
  TempDir temp;
  const fs::path target = temp.path() / "data" / "token.key";
  fs::create_directory(temp.path() / "data");
  WriteFile(target, std::string(32, 'k'), 0600);
  const fs::path link = temp.path() / "token.key";
  fs::create_symlink(target, link);
  EXPECT_EQ(LoadOrCreateSecret(link, 32), std::string(32, 'k'));
  ::chmod(target.c_str(), 0644);
  EXPECT_NE(ThrownMessage(link, 32).find("chmod 600"), std::string::npos);
}

TEST(SecretFileTest, LoadSecretNeverCreatesAFile) {
  TempDir temp;
  const fs::path file = temp.path() / "shared" / "token.key";
  EXPECT_EQ(LoadSecret(file, 64), std::nullopt);
  EXPECT_FALSE(fs::exists(file.parent_path()));
  WriteFile(temp.path() / "url.key", std::string(64, 'u'), 0600);
  EXPECT_EQ(LoadSecret(temp.path() / "url.key", 64), std::string(64, 'u'));
  EXPECT_THROW(LoadSecret(file, 0), std::invalid_argument);
}

TEST(SecretFileTest, WriteSecretCreatesPrivateFilesAndReplacesOnlyWhenAsked) {
  TempDir temp;
  const fs::path file = temp.path() / "keys" / "media.key";
  WriteSecret(file, std::string(64, 'a'), false);
  EXPECT_EQ(ModeOf(file), 0600);
  EXPECT_EQ(ModeOf(file.parent_path()), 0700);
  EXPECT_EQ(LoadSecret(file, 64), std::string(64, 'a'));

  try {
    WriteSecret(file, std::string(64, 'b'), false);
    ADD_FAILURE() << "an existing secret was overwritten";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(LoadSecret(file, 64), std::string(64, 'a'));

  WriteSecret(file, std::string(64, 'c'), true);
  EXPECT_EQ(LoadSecret(file, 64), std::string(64, 'c'));
  EXPECT_EQ(ModeOf(file), 0600);
  // No temp file left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
  EXPECT_THROW(WriteSecret(file, "", true), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
