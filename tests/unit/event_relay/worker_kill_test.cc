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
#include <future>
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

std::vector<Event> Slice(const std::vector<Event>& events, std::size_t first, std::size_t count) {
  return {events.begin() + static_cast<std::ptrdiff_t>(first),
          events.begin() + static_cast<std::ptrdiff_t>(first + count)};
}

// Holds the catalogue's write lock (an open write transaction) on a thread of its own until
// Release, so that every other writer, the worker process included, waits.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(Catalog& catalog) : catalog_(catalog) {}
  ~WriteLockHolder() { Release(); }
  WriteLockHolder(const WriteLockHolder&) = delete;
  WriteLockHolder& operator=(const WriteLockHolder&) = delete;

  // Takes the lock; returns the records unpublished as seen under it.
  std::size_t Take() {
    std::promise<std::size_t> taken;
    std::future<std::size_t> unpublished = taken.get_future();
    release_ = std::promise<void>();
    thread_ = std::thread([this, &taken, released = release_.get_future()] {
      bool told = false;
      try {
        catalog_.Write([&](CatalogTransaction& tx) {
          tx.events().MarkConsumed("write-lock-holder", "lock", 0);  // a write: the lock is ours
          std::size_t unpublished = tx.events().ListUnpublished(1000).size();
          if (!told) taken.set_value(unpublished);
          told = true;
          released.wait();
        });
      } catch (...) {
        if (!told) taken.set_exception(std::current_exception());
      }
    });
    return unpublished.get();
  }
  void Release() {
    if (!thread_.joinable()) return;
    release_.set_value();
    thread_.join();
  }

 private:
  Catalog& catalog_;
  std::promise<void> release_;
  std::thread thread_;
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
  static bool WaitFor(Fn done, std::chrono::seconds bound,
                      std::chrono::milliseconds step = std::chrono::milliseconds(100)) {
    auto give_up = std::chrono::steady_clock::now() + bound;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(step);
    }
    return true;
  }
};

TEST_F(WorkerKillTest, AWorkerKilledMidRunLosesNothingAndCountsNothingTwice) {
  constexpr int kBatch = 25;
  constexpr int kBatches = 48;
  std::vector<Event> events = MakePlays(0, kBatch * kBatches);
  const Counts expected = PumpCounts(events);
  const std::filesystem::path log = dir_.path() / "worker.log";
  auto append_batch = [&](int b) {
    Append(*catalog_, std::vector<Event>(events.begin() + b * kBatch, events.begin() + (b + 1) * kBatch));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a steady stream, not one burst
  };

  auto first = std::make_unique<WorkerProcess>(dir_.path(), cluster_.bootstrap_servers(), log);
  for (int b = 0; b < 12; ++b) append_batch(b);
  // The first worker has relayed all of it and applied some.
  ASSERT_TRUE(WaitFor([&] { return Unpublished() == 0 && PlayCount(CountsOf(*catalog_)) > 0; },
                      std::chrono::seconds(90)))
      << Tail(log);

  // Then twelve batches in one transaction, and at once this test holds the database's write
  // lock: the worker's relay publishes the first 200 of them (its batch) and then waits for the
  // lock to mark them. Once they are in Kafka, the worker is SIGKILLed in that wait: between
  // Publish and MarkPublished. (Should the relay have marked a round before the lock was
  // taken, the step is repeated with the next twelve batches.)
  std::size_t burst_first = 12;
  std::size_t in_kafka_before = 12 * kBatch;
  WriteLockHolder lock(*catalog_);
  for (;; burst_first += 12) {
    ASSERT_LE(burst_first, 24u) << "the relay marked both bursts before the lock was taken";
    Append(*catalog_, Slice(events, burst_first * kBatch, 12 * kBatch), 12 * kBatch);
    if (lock.Take() == 12 * kBatch) break;  // nothing of the burst marked yet
    lock.Release();
    ASSERT_TRUE(WaitFor([&] { return Unpublished() == 0; }, std::chrono::seconds(90))) << Tail(log);
    in_kafka_before += 12 * kBatch;
  }
  {
    kafka::KafkaEventSubscription probe(Options(), "probe");
    ReadUntil(probe, in_kafka_before + 200);  // the relay's first round of the burst is in Kafka
  }
  int status = first->Stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  lock.Release();
  const std::size_t unpublished_at_kill = Unpublished();
  const std::int64_t plays_at_kill = PlayCount(CountsOf(*catalog_));
  EXPECT_EQ(unpublished_at_kill, 12u * kBatch) << "the killed relay's published round was not marked";
  // The rest while no worker runs, then the last six batches while the new one runs.
  for (std::size_t b = burst_first + 12; b < kBatches - 6; ++b) Append(*catalog_, Slice(events, b * kBatch, kBatch));

  // The restarted worker joins the same group: the dead member's partitions come to it once
  // the group gives up on that member (librdkafka's session.timeout.ms, 45 s by default).
  WorkerProcess second(dir_.path(), cluster_.bootstrap_servers(), log);
  for (std::size_t b = kBatches - 6; b < kBatches; ++b) append_batch(static_cast<int>(b));
  EXPECT_TRUE(WaitFor([&] { return Unpublished() == 0 && CountsOf(*catalog_) == expected; },
                      std::chrono::seconds(180)))
      << Tail(log);
  status = second.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Tail(log);

  EXPECT_EQ(Unpublished(), 0u);
  EXPECT_EQ(CountsOf(*catalog_), expected);
  std::vector<Event> in_kafka = ReadBack(events.size());
  EXPECT_EQ(IdsOf(in_kafka), IdsOf(events)) << "every event, and nothing else, reached Kafka";
  EXPECT_GE(in_kafka.size(), events.size() + 200) << "the killed relay's round was published again";
  std::printf("[ worker kill ] events appended: %zu; at the kill: %zu unpublished, %lld plays counted; "
              "afterwards copies in Kafka: %zu (duplicates: %zu), counted plays: %lld (expected %lld)\n",
              events.size(), unpublished_at_kill, static_cast<long long>(plays_at_kill), in_kafka.size(),
              in_kafka.size() - IdsOf(in_kafka).size(), static_cast<long long>(PlayCount(CountsOf(*catalog_))),
              static_cast<long long>(PlayCount(expected)));
}

}  // namespace
}  // namespace cadenza
