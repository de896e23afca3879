#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "app/commands.h"
#include "app/periodic_task.h"
#include "app/runtime.h"
#include "http/server.h"
#include "services/blob_janitor.h"

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

int RunServe(const Config& config) {
  sigset_t signals = BlockShutdownSignals();
  Runtime runtime(config);

  http::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  options.shutdown_grace = config.shutdown_grace;
  http::Server server(options, runtime.BuildRouter());
  server.Start();
  spdlog::info("cadenza listening on {}:{} (public URL {}), data in {}", config.listen_host,
               server.port(), config.public_url, config.data_dir.string());

  {
    PeriodicTask janitor("blob janitor", config.janitor_interval,
                         [&runtime] { runtime.janitor().RunOnce(); });
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received {}, finishing in-flight requests", strsignal(signal_number));
    server.Stop();
    server.Wait();
  }
  spdlog::info("stopped");
  return 0;
}

int RunMigrate(const Config& config) {
  Runtime runtime(config);  // opening the runtime applies pending migrations
  spdlog::info("database {} is up to date", config.DatabaseFile().string());
  return 0;
}

int RunRoutes(const Config& config) {
  Runtime runtime(config);
  std::shared_ptr<const http::Router> router = runtime.BuildRouter();
  for (const auto& route : router->routes()) {
    std::printf("%s %s\n", route.method.c_str(), route.pattern.c_str());
  }
  return 0;
}

}  // namespace cadenza::app
