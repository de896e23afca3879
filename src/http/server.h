#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"
#include "http/transfer_deadline.h"

namespace cadenza::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;        // 0 picks a free port (see Server::port())
  int io_threads = 1;               // threads running the sockets
  int worker_threads = 4;           // blocking-work threads running handlers
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::chrono::seconds header_timeout{15};   // to receive a whole request head
  std::chrono::seconds idle_timeout{60};     // keep-alive connections with no request
  std::chrono::seconds shutdown_grace{20};   // in-flight requests allowed to finish on Stop()
  // Request and response bodies: the idle limit and the minimum average rate.
  TransferLimits transfer;
  // Open connections at once, in all and from one client address (0: no per-address cap).
  // A connection over either cap gets a 503 with Retry-After and is closed.
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_address = 256;
  // Host names (optionally host:port) a request may name; empty accepts any. A request with
  // another Host gets a 400, so a shared cache in front cannot store answers whose URLs
  // were built on a host an attacker chose. A leading dot (".example.org") accepts the
  // domain and its subdomains.
  std::vector<std::string> allowed_hosts;
  // Path prefixes whose next segment is a credential ("/media/" + token): the access log
  // shows "<token>" in its place, whether or not a route matched.
  std::vector<std::string> credential_path_prefixes;
};

// HTTP/1.1 server on Boost.Beast: keep-alive, limits, timeouts, graceful stop. I/O runs on
// `io_threads`; route hooks, handlers, body spooling and BodySource reads run on a separate
// pool of `worker_threads`. Every request gets an access log line (spdlog, info) with the
// method, the path without its query, the status, body bytes and duration.
class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();

  // Binds (SO_REUSEADDR) and starts accepting; returns once the socket listens (so port() is
  // known). Throws std::runtime_error when the address cannot be resolved or bound, and
  // std::logic_error when called twice.
  void Start();
  std::uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace), closes idle
  // connections, and joins all threads. Safe to call from a signal-handling thread.
  // Idempotent and callable from any thread: it blocks until the stop is complete, except on
  // the server's own I/O or worker threads (e.g. inside a handler), where it only starts it.
  void Stop();
  // Blocks until Stop() has completed. Must not be called from the server's own threads.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cadenza::http
