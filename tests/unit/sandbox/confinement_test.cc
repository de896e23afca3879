// What a confined process can no longer do, checked in a forked child of the test that
// confines itself and reports each attempt through its exit code.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <functional>

#include "adapters/sandbox/confinement.h"
#include "unit/support/temp_dir.h"

namespace cadenza::sandbox {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

constexpr int kConfineFailed = 100;

// Forks; the child confines itself with `confinement` and exits with what `body` returns.
// Returns the child's exit code, or 200 + the signal that ended it.
int RunConfined(const Confinement& confinement, const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    try {
      ConfineCurrentProcess(confinement);
    } catch (...) {
      _exit(kConfineFailed);
    }
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

// 0 when the call failed with EPERM or EACCES, 1 when it succeeded, 2 for another error.
int Refused(int result) {
  if (result >= 0) return 1;
  return errno == EPERM || errno == EACCES ? 0 : 2;
}

class ConfinementTest : public ::testing::Test {
 protected:
  ConfinementTest() {
    fs::create_directories(dir_.path() / "work" / "out");
    input_ = dir_.path() / "work" / "original.flac";
    std::ofstream(input_) << "audio";
    // A secret as the server keeps it: DATA_DIR/secrets/token.key, mode 0600, same user.
    fs::create_directories(dir_.path() / "secrets");
    secret_ = dir_.path() / "secrets" / "token.key";
    std::ofstream(secret_) << "secret key bytes";
    fs::permissions(secret_, fs::perms::owner_read | fs::perms::owner_write);
    confinement_.readable_file = input_;
    confinement_.writable_dir = dir_.path() / "work" / "out";
  }

  TempDir dir_;
  fs::path input_;
  fs::path secret_;
  Confinement confinement_;
};

TEST_F(ConfinementTest, TheConfinedProcessStillReadsItsInputAndWritesItsFolder) {
  fs::path out = confinement_.writable_dir / "aac_96";
  EXPECT_EQ(RunConfined(confinement_, [&] {
              int fd = open(input_.c_str(), O_RDONLY);
              if (fd < 0) return 1;
              char byte = 0;
              if (read(fd, &byte, 1) != 1 || byte != 'a') return 2;
              if (mkdir(out.c_str(), 0700) != 0) return 3;
              int made = open((out / "init.mp4").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
              if (made < 0 || write(made, "x", 1) != 1) return 4;
              return 0;
            }),
            0);
  EXPECT_TRUE(fs::exists(out / "init.mp4"));
}

TEST_F(ConfinementTest, NoSocketOfAnyNetworkFamilyCanBeCreated) {
  EXPECT_EQ(RunConfined(confinement_, [] { return Refused(socket(AF_INET, SOCK_STREAM, 0)); }), 0);
  EXPECT_EQ(RunConfined(confinement_, [] { return Refused(socket(AF_INET6, SOCK_DGRAM, 0)); }), 0);
  EXPECT_EQ(RunConfined(confinement_, [] { return Refused(socket(AF_UNIX, SOCK_STREAM, 0)); }), 0);
  // Unconfined, the same call works: the refusal above is the sandbox's doing.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  close(fd);
}

TEST_F(ConfinementTest, TheSecretsAreNotReadable) {
  if (LandlockAbi() == 0) GTEST_SKIP() << "this kernel has no Landlock";
  ASSERT_TRUE(std::ifstream(secret_).good()) << "readable before confinement";
  EXPECT_EQ(RunConfined(confinement_, [&] { return Refused(open(secret_.c_str(), O_RDONLY)); }), 0);
  // Nor anything else outside its two places: the folder beside the input, /etc.
  EXPECT_EQ(RunConfined(confinement_, [] { return Refused(open("/etc/hostname", O_RDONLY)); }), 0);
  fs::path beside = input_.parent_path() / "other.flac";
  std::ofstream(beside) << "x";
  EXPECT_EQ(RunConfined(confinement_, [&] { return Refused(open(beside.c_str(), O_RDONLY)); }), 0);
}

TEST_F(ConfinementTest, NothingOutsideTheOutputFolderCanBeWrittenOrTruncated) {
  if (LandlockAbi() == 0) GTEST_SKIP() << "this kernel has no Landlock";
  EXPECT_EQ(RunConfined(confinement_, [&] { return Refused(truncate(input_.c_str(), 0)); }), 0);
  fs::path outside = dir_.path() / "work" / "planted";
  EXPECT_EQ(RunConfined(confinement_,
                        [&] { return Refused(open(outside.c_str(), O_WRONLY | O_CREAT, 0600)); }),
            0);
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_EQ(fs::file_size(input_), 5U);
}

TEST_F(ConfinementTest, NoSymbolicLinkCanBePlantedInTheOutputFolder) {
  if (LandlockAbi() == 0) GTEST_SKIP() << "this kernel has no Landlock";
  fs::path link = confinement_.writable_dir / "seg-00000.m4s";
  EXPECT_EQ(RunConfined(confinement_,
                        [&] { return Refused(symlink(secret_.c_str(), link.c_str())); }),
            0);
  EXPECT_FALSE(fs::is_symlink(link));
}

TEST_F(ConfinementTest, NoOtherProcessCanBeSignalledOrExecuted) {
  EXPECT_EQ(RunConfined(confinement_, [] { return Refused(kill(getppid(), 0)); }), 0);
  EXPECT_EQ(RunConfined(confinement_, [] {
              char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
              char* envp[] = {nullptr};
              return Refused(execve("/bin/true", argv, envp));
            }),
            0);
  // Signals to itself still work (abort, raise).
  EXPECT_EQ(RunConfined(confinement_, [] { return raise(SIGTERM) == 0 ? 0 : 1; }), 200 + SIGTERM);
}

TEST_F(ConfinementTest, TheLimitsApply) {
  confinement_.memory_limit_bytes = 256LL << 20;
  confinement_.file_size_limit_bytes = 1000;
  EXPECT_EQ(RunConfined(confinement_, [] {
              void* block = malloc(512LL << 20);  // NOLINT: the allocation is the test
              return block == nullptr ? 0 : 1;
            }),
            0);
  fs::path big = confinement_.writable_dir / "big";
  EXPECT_EQ(RunConfined(confinement_, [&] {
              int fd = open(big.c_str(), O_WRONLY | O_CREAT, 0600);
              std::string bytes(600, 'x');
              // The write that crosses the limit is cut short; the next one is signalled.
              for (int i = 0; i < 3; ++i) (void)write(fd, bytes.data(), bytes.size());
              return 0;
            }),
            200 + SIGXFSZ);
}

}  // namespace
}  // namespace cadenza::sandbox
