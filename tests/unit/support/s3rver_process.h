#pragma once
// An s3rver (tests/s3/s3rver.mjs) run by this test process: its own temp folder, a free port,
// the buckets asked for, stopped (its standard input closed) when the object goes away.
// Needs CADENZA_NODE and CADENZA_S3RVER_SCRIPT defined by the build, and the npm packages of
// tests/s3 installed (scripts/install-deps.sh test).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/s3/s3_blob_store.h"
#include "unit/support/temp_dir.h"

namespace cadenza::test_support {

// s3rver's built-in account.
inline constexpr const char* kS3rverKeyId = "S3RVER";
inline constexpr const char* kS3rverSecret = "S3RVER";

class S3rverProcess {
 public:
  // With `fail_every` > 0, the port is a proxy that answers requests 1, N+1, 2N+1, ... with
  // 503 SlowDown (see tests/s3/s3rver.mjs).
  explicit S3rverProcess(const std::vector<std::string>& buckets, int fail_every = 0) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {CADENZA_NODE, CADENZA_S3RVER_SCRIPT};
    if (fail_every > 0) args.push_back("--fail-every=" + std::to_string(fail_every));
    args.push_back(folder_.path().string());
    args.insert(args.end(), buckets.begin(), buckets.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      close(to_child[1]);
      close(from_child[0]);
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    stdin_ = to_child[1];
    FILE* out = fdopen(from_child[0], "r");
    char line[256] = {};
    const bool got = out != nullptr && std::fgets(line, sizeof line, out) != nullptr;
    if (out != nullptr) std::fclose(out);
    if (!got || std::sscanf(line, "{\"port\":%d}", &port_) != 1) {
      Stop();
      throw std::runtime_error(
          "s3rver did not start: are the npm packages of tests/s3 installed? "
          "(scripts/install-deps.sh test)");
    }
  }
  ~S3rverProcess() { Stop(); }
  S3rverProcess(const S3rverProcess&) = delete;
  S3rverProcess& operator=(const S3rverProcess&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Options for a path-style store on this server.
  S3Options Options(const std::string& bucket, const std::string& prefix = "") const {
    S3Options options;
    options.bucket = bucket;
    options.prefix = prefix;
    options.endpoint = endpoint();
    options.path_style = true;
    options.access_key_id = kS3rverKeyId;
    options.secret_access_key = kS3rverSecret;
    return options;
  }

  // Stops the server now (closing its input, as the end of the test does).
  void Stop() {
    if (stdin_ >= 0) {
      close(stdin_);
      stdin_ = -1;
    }
    if (pid_ > 0) {
      // It exits once its input closes; one that does not within ~10 s is killed.
      int status = 0;
      for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(50'000);
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
  }

 private:
  TempDir folder_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace cadenza::test_support
