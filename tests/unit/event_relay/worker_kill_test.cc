// The real kill: a `cadenza worker` process on the mock cluster (listening on loopback in this
// process) and a SQLite data dir, SIGKILLed while events are being appended, then restarted;
// after it drained, every event is in Kafka and the counts equal the embedded pump's.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "relay_fixture.h"

extern char** environ;

namespace cadenza {
namespace {

// One `cadenza worker` child, its output appended to `log`.
class WorkerProcess {
 public:
  WorkerProcess(const std::filesystem::path& data_dir, const std::string& brokers, const std::filesystem::path& log) {
    std::vector<std::string> args = {CADENZA_BIN,         "worker",          "--data-dir",
                                     data_dir.string(),   "--kafka-brokers", brokers,
                                     "--kafka-group-id",  "cadenza-workers", "--events-interval",
                                     "1",                 "--log-level",     "info"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    int err = posix_spawn(&pid_, CADENZA_BIN, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err != 0) throw std::runtime_error("posix_spawn cadenza worker failed");
  }
  ~WorkerProcess() {
    if (pid_ > 0) Stop(SIGKILL);
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Sends `signal` and reaps the child; returns its wait status.
  int Stop(int signal) {
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

std::string Tail(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

class WorkerKillTest : public RelayTest {
 protected:
  // Waits (bounded) until `done` holds; returns whether it did.
  template <class Fn>
  static bool WaitFor(Fn done, std::chrono::seconds bound) {
    auto give_up = std::chrono::steady_clock::now() + bound;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }
};

TEST_F(WorkerKillTest, AWorkerKilledMidRunLosesNothingAndCountsNothingTwice) {
  constexpr int kBatch = 25;
  constexpr int kBatches = 36;
  std::vector<Event> events = MakePlays(0, kBatch * kBatches);
  const Counts expected = PumpCounts(events);
  const std::filesystem::path log = dir_.path() / "worker.log";
  auto append_batch = [&](int b) {
    Append(*catalog_, std::vector<Event>(events.begin() + b * kBatch, events.begin() + (b + 1) * kBatch));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a steady stream, not one burst
  };

  auto first = std::make_unique<WorkerProcess>(dir_.path(), cluster_.bootstrap_servers(), log);
  for (int b = 0; b < 12; ++b) append_batch(b);
  // Mid-run: the first worker has relayed and applied part of what is there.
  ASSERT_TRUE(WaitFor([&] { return Unpublished() < 12 * kBatch && PlayCount(CountsOf(*catalog_)) > 0; },
                      std::chrono::seconds(90)))
      << Tail(log);
  append_batch(12);
  const std::size_t unpublished_at_kill = Unpublished();
  const std::int64_t plays_at_kill = PlayCount(CountsOf(*catalog_));
  int status = first->Stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  for (int b = 13; b < 24; ++b) append_batch(b);

  // The restarted worker joins the same group: the dead member's partitions come to it once
  // the group gives up on that member (librdkafka's session.timeout.ms, 45 s by default).
  WorkerProcess second(dir_.path(), cluster_.bootstrap_servers(), log);
  for (int b = 24; b < kBatches; ++b) append_batch(b);
  EXPECT_TRUE(WaitFor([&] { return Unpublished() == 0 && CountsOf(*catalog_) == expected; },
                      std::chrono::seconds(180)))
      << Tail(log);
  status = second.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Tail(log);

  EXPECT_EQ(Unpublished(), 0u);
  EXPECT_EQ(CountsOf(*catalog_), expected);
  std::vector<Event> in_kafka = ReadBack(events.size());
  EXPECT_EQ(IdsOf(in_kafka), IdsOf(events)) << "every event, and nothing else, reached Kafka";
  std::printf("[ worker kill ] events appended: %zu; at the kill: %zu unpublished, %lld plays counted; "
              "afterwards copies in Kafka: %zu (duplicates: %zu), counted plays: %lld (expected %lld)\n",
              events.size(), unpublished_at_kill, static_cast<long long>(plays_at_kill), in_kafka.size(),
              in_kafka.size() - IdsOf(in_kafka).size(), static_cast<long long>(PlayCount(CountsOf(*catalog_))),
              static_cast<long long>(PlayCount(expected)));
}

}  // namespace
}  // namespace cadenza
