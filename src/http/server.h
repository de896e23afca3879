#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/router.h"

namespace cadenza::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;        // 0 picks a free port (see Server::port())
  int io_threads = 1;               // threads running the sockets
  int worker_threads = 4;           // blocking-work threads running handlers
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{15};   // to receive a whole request head
  std::chrono::seconds body_timeout{300};    // idle time allowed while a body streams in
  std::chrono::seconds idle_timeout{60};     // keep-alive connections with no request
  std::chrono::seconds shutdown_grace{20};   // in-flight requests allowed to finish on Stop()
};

// HTTP/1.1 server on Boost.Beast: keep-alive, limits, timeouts, graceful stop.
class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();

  // Binds and starts accepting; returns once the socket listens (so port() is known).
  void Start();
  std::uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace), closes idle
  // connections, and joins all threads. Safe to call from a signal-handling thread.
  void Stop();
  // Blocks until Stop() has completed.
  void Wait();

  // Runs `fn` on the blocking-work pool (for periodic maintenance tasks).
  void PostBlocking(std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cadenza::http
