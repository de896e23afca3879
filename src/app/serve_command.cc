#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "app/commands.h"
#include "api/media_routes.h"
#include "app/periodic_task.h"
#include "app/process_setup.h"
#include "app/runtime.h"
#include "app/storage_config.h"
#include "http/server.h"
#include "services/blob_janitor.h"
#include "services/events/event_pump.h"
#include "services/events/event_retention.h"
#include "services/events/popular_window.h"
#include "services/events/outbox_relay.h"
#include "services/events/stream_consumer_runner.h"
#include "services/ingest/ingest_worker.h"

namespace cadenza::app {

namespace {

// Blocks SIGINT/SIGTERM in this thread and every thread it starts afterwards, so that only
// the sigwait() below receives them and shutdown runs as ordinary code, not in a handler.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

// Starts the runtime's worker when the roles ask for it, and stops it (joining its threads)
// when the scope ends.
class WorkerScope {
 public:
  explicit WorkerScope(Runtime& runtime) : runtime_(runtime) {
    if (!runtime_.config().role_worker) return;
    runtime_.worker().Start();
    started_ = true;
    spdlog::info("transcoding worker: {} job(s) at once, work folder {}", runtime_.config().workers,
                 runtime_.config().WorkDirectory().string());
  }
  ~WorkerScope() { Stop(); }
  WorkerScope(const WorkerScope&) = delete;
  WorkerScope& operator=(const WorkerScope&) = delete;

  void Stop() {
    if (!started_) return;
    started_ = false;
    spdlog::info("stopping the transcoding worker");
    runtime_.worker().Stop();
  }

 private:
  Runtime& runtime_;
  bool started_ = false;
};

// With the worker role: applies new listening events to the consumers' tables every
// events_interval, on a thread of its own, until the scope ends; first moves the popularity
// window to the new day once a day (and at start-up), so a day without plays moves it too. With kafka_brokers set, two
// threads instead: the relay publishing the outbox to Kafka, and the consumer group member
// applying Kafka's events (each drains what is pending, then waits events_interval). Either
// way one more thread prunes the event tables every janitor_interval.
class EventPumpScope {
 public:
  explicit EventPumpScope(Runtime& runtime) {
    if (!runtime.config().role_worker) return;
    retention_.emplace("event retention", runtime.config().janitor_interval, [&runtime] {
      RetentionReport gone = runtime.event_retention()->RunOnce();
      if (gone.outbox_records + gone.play_throughs + gone.daily_plays == 0) return;
      spdlog::info("event retention: deleted {} outbox record(s), {} play-through(s), {} "
                   "daily play row(s)", gone.outbox_records, gone.play_throughs,
                   gone.daily_plays);
    });
    const auto interval = std::max(std::chrono::seconds(1), runtime.config().events_interval);
    if (runtime.outbox_relay() == nullptr) {
      pump_.emplace("event pump", interval, [&runtime] {
        runtime.popular_window().AdvanceIfDue();
        runtime.event_pump().Drain();
      });
      return;
    }
    spdlog::info("events: relaying the outbox to Kafka at {}, consuming as group {}",
                 runtime.config().kafka_brokers, runtime.config().kafka_group_id);
    pump_.emplace("outbox relay", interval, [&runtime] { runtime.outbox_relay()->Drain(); });
    consumer_.emplace("event stream consumer", interval, [&runtime] {
      runtime.popular_window().AdvanceIfDue();
      runtime.stream_consumer()->Drain();
    });
  }

 private:
  std::optional<PeriodicTask> pump_;
  std::optional<PeriodicTask> consumer_;
  std::optional<PeriodicTask> retention_;
};

namespace {

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Descriptors kept free of connections: the database, blobs, spool and scratch files.
constexpr std::uint64_t kReservedDescriptors = 256;

http::ServerOptions ServerOptionsFrom(const Config& config) {
  http::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  options.shutdown_grace = config.shutdown_grace;
  options.transfer.min_bytes_per_second = config.min_transfer_rate;
  options.max_connections_per_address = static_cast<std::size_t>(config.max_connections_per_ip);
  options.allowed_hosts = config.allowed_hosts;
  options.credential_path_prefixes = {std::string(api::kMediaPathPrefix)};
  const std::uint64_t descriptors = RaiseOpenFileLimit();
  const std::uint64_t room = descriptors > 2 * kReservedDescriptors
                                 ? descriptors - kReservedDescriptors
                                 : descriptors / 2;
  options.max_connections = static_cast<std::size_t>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(config.max_connections), room));
  if (options.max_connections < static_cast<std::size_t>(config.max_connections)) {
    spdlog::warn("max_connections lowered from {} to {}: the open file limit is {}",
                 config.max_connections, options.max_connections, descriptors);
  }
  if (config.allowed_hosts.empty() && config.public_url.empty() &&
      !IsLoopback(config.listen_host)) {
    spdlog::warn("listening on {} with neither public_url nor allowed_hosts set: handed-out "
                 "URLs follow each request's Host header; set one of them when a shared "
                 "cache or proxy sits in front", config.listen_host);
  }
  return options;
}

}  // namespace

int RunServe(const Config& config) {
  sigset_t signals = BlockShutdownSignals();
  Runtime runtime(config);

  http::Server server(ServerOptionsFrom(config), runtime.BuildRouter());
  server.Start();
  spdlog::info("cadenza listening on http://{}:{} (public URL {}), data in {}",
               config.listen_host, server.port(),
               config.public_url.empty() ? "from each request's Host" : config.public_url,
               config.data_dir.string());

  {
    PeriodicTask janitor("blob janitor", config.janitor_interval,
                         [&runtime] { runtime.janitor().RunOnce(); });
    WorkerScope worker(runtime);
    EventPumpScope event_pump(runtime);
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}, finishing in-flight requests", strsignal(signal_number));
    server.Stop();
    server.Wait();
    worker.Stop();
  }
  spdlog::info("stopped");
  return 0;
}

int RunWorker(const Config& config) {
  sigset_t signals = BlockShutdownSignals();
  Config worker_config = config;
  worker_config.role_users = worker_config.role_catalog = worker_config.role_playlists = false;
  worker_config.role_search = false;
  worker_config.role_uploads = worker_config.role_stream = false;
  worker_config.role_worker = true;
  Runtime runtime(worker_config);
  spdlog::info("cadenza worker running, data in {}", config.data_dir.string());
  {
    // Abandoned attempts' blobs are queued by the workers: sweeping them here too keeps a
    // worker-only deployment clean.
    PeriodicTask janitor("blob janitor", config.janitor_interval,
                         [&runtime] { runtime.janitor().RunOnce(); });
    WorkerScope worker(runtime);
    EventPumpScope event_pump(runtime);
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}, finishing the jobs in progress", strsignal(signal_number));
    worker.Stop();
  }
  spdlog::info("stopped");
  return 0;
}

int RunMigrate(const Config& config) {
  Runtime runtime(config);  // opening the runtime applies pending migrations
  spdlog::info("database {} is up to date", config.database_url.empty()
                                                ? config.DatabaseFile().string()
                                                : RedactedDatabaseUrl(config.database_url));
  return 0;
}

int RunRoutes(const Config& config) {
  // The routes do not depend on any data: build them over a throwaway data folder so that
  // listing them never creates or migrates a real one.
  std::string scratch = (std::filesystem::temp_directory_path() / "cadenza-routes-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + scratch);
  }
  struct RemoveOnExit {
    std::filesystem::path path;
    ~RemoveOnExit() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_on_exit{scratch};
  // Every route of the binary, whatever this process's roles, keys or data folder.
  Config throwaway = config;
  throwaway.data_dir = scratch;
  throwaway.secrets_dir.clear();
  throwaway.role_users = throwaway.role_catalog = throwaway.role_playlists = true;
  throwaway.role_search = true;
  throwaway.role_uploads = throwaway.role_stream = true;
  Runtime runtime(throwaway);
  std::shared_ptr<const http::Router> router = runtime.BuildRouter();
  for (const auto& route : router->routes()) {
    std::printf("%s %s %s\n", route.method.c_str(), route.pattern.c_str(),
                route.access.Describe().c_str());
  }
  return 0;
}

}  // namespace cadenza::app
