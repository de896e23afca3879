#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "http/connection.h"
#include "http/server_state.h"

namespace cadenza::http {
namespace {

namespace asio = boost::asio;
using boost::asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The server whose I/O threads include this one (Stop() must not wait for itself there).
thread_local const void* io_thread_of = nullptr;

tcp::endpoint ResolveListenEndpoint(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  asio::io_context resolver_context;
  tcp::resolver resolver(resolver_context);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen address " + host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

void LogFailure(const std::exception_ptr& failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    spdlog::error("connection failed: {}", error.what());
  }
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;

  // Declaration order matters for destruction: the I/O objects go before the state and the
  // pool their pending work refers to.
  std::unique_ptr<asio::thread_pool> pool;
  std::unique_ptr<ServerState> state;
  std::unique_ptr<asio::io_context> io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> io_threads;
  std::uint16_t port = 0;

  Mutex mutex;
  CondVar done;
  bool started GUARDED_BY(mutex) = false;
  bool stop_requested GUARDED_BY(mutex) = false;
  bool stopped GUARDED_BY(mutex) = false;
  std::thread stopper;

  asio::awaitable<void> AcceptLoop() const;
  void StopNow();
  bool OnOwnThread() const {
    return io_thread_of == this || pool->get_executor().running_in_this_thread();
  }
};

asio::awaitable<void> Server::Impl::AcceptLoop() const {
  for (;;) {
    tcp::socket socket(asio::make_strand(*io));
    auto [ec] = co_await acceptor->async_accept(socket, kTuple);
    if (ec) {
      if (!acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: back off rather than spin.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (state->stopping()) continue;  // the socket closes as it goes out of scope
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    auto connection = std::make_shared<Connection>(*state, std::move(socket));
    switch (state->AddConnection(connection, connection->remote_address())) {
      case ServerState::Admission::kAdmitted:
        asio::co_spawn(executor, Connection::Run(connection), LogFailure);
        break;
      case ServerState::Admission::kServerFull:
        asio::co_spawn(executor,
                       Connection::Refuse(connection, "the server has too many open connections; "
                                                      "retry later"),
                       LogFailure);
        break;
      case ServerState::Admission::kAddressFull:
        asio::co_spawn(executor,
                       Connection::Refuse(connection, fmt::format(
                           "too many open connections from this address (the limit is {}); "
                           "close some or retry later", options.max_connections_per_address)),
                       LogFailure);
        break;
    }
  }
}

void Server::Impl::StopNow() {
  bool was_started;
  {
    MutexLock lock(mutex);
    was_started = started;  // fixed once stop_requested is set, which Stop() did
  }
  if (was_started) {
    state->SetStopping();
    asio::post(acceptor->get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
    for (const auto& connection : state->Connections()) connection->CloseIfIdle();
    if (!state->WaitForNoRequests(std::chrono::steady_clock::now() + options.shutdown_grace)) {
      spdlog::warn("stopping with requests still in flight after {}s",
                   options.shutdown_grace.count());
    }
    work.reset();
    io->stop();
    for (auto& thread : io_threads) thread.join();
    io_threads.clear();
    // Queued blocking work still runs: its coroutines are owned by the pool, and must finish
    // (their completions land in the stopped context) before the context goes away.
    pool->join();
    // Destroying the context destroys the suspended connections (closing their sockets and
    // removing partly spooled files) while the state they refer to still exists.
    acceptor.reset();
    io.reset();
  } else {
    pool->join();
  }
  MutexLock lock(mutex);
  stopped = true;
  done.NotifyAll();
}

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>()) {
  if (!router) throw std::invalid_argument("Server needs a router");
  if (options.io_threads < 1 || options.worker_threads < 1) {
    throw std::invalid_argument("Server needs at least one I/O and one worker thread");
  }
  impl_->options = options;
  impl_->router = router;
  impl_->pool = std::make_unique<asio::thread_pool>(options.worker_threads);
  impl_->state = std::make_unique<ServerState>(std::move(options), std::move(router), *impl_->pool);
}

Server::~Server() {
  Stop();
  Wait();
  if (impl_->stopper.joinable()) {
    if (impl_->stopper.get_id() == std::this_thread::get_id()) {
      impl_->stopper.detach();
    } else {
      impl_->stopper.join();
    }
  }
}

void Server::Start() {
  Impl& impl = *impl_;
  {
    MutexLock lock(impl.mutex);
    if (impl.started || impl.stop_requested) throw std::logic_error("Server::Start called twice");
    impl.started = true;
  }
  impl.io = std::make_unique<asio::io_context>(impl.options.io_threads);
  impl.work.emplace(impl.io->get_executor());
  impl.acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*impl.io));
  const tcp::endpoint endpoint = ResolveListenEndpoint(impl.options.host, impl.options.port);
  try {
    impl.acceptor->open(endpoint.protocol());
    impl.acceptor->set_option(asio::socket_base::reuse_address(true));
    impl.acceptor->bind(endpoint);
    impl.acceptor->listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    throw std::runtime_error("cannot listen on " + impl.options.host + ":" +
                             std::to_string(impl.options.port) + ": " + error.code().message());
  }
  impl.port = impl.acceptor->local_endpoint().port();
  asio::co_spawn(impl.acceptor->get_executor(), impl.AcceptLoop(),
                 [](const std::exception_ptr& failure) {
                   if (!failure) return;
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& error) {
                     spdlog::critical("the listener failed: {}", error.what());
                   }
                 });
  for (int i = 0; i < impl.options.io_threads; ++i) {
    impl.io_threads.emplace_back([&impl] {
      io_thread_of = &impl;
      impl.io->run();
    });
  }
  spdlog::info("listening on {}:{}", endpoint.address().to_string(), impl.port);
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& impl = *impl_;
  {
    MutexLock lock(impl.mutex);
    if (!impl.stop_requested) {
      impl.stop_requested = true;
      // A dedicated thread does the stopping, so that Stop() may be called from a handler
      // or an I/O thread (which the stop joins) without deadlocking.
      impl.stopper = std::thread([&impl] { impl.StopNow(); });
    }
  }
  if (!impl.OnOwnThread()) Wait();
}

void Server::Wait() {
  MutexLock lock(impl_->mutex);
  while (!impl_->stopped) impl_->done.Wait(lock);
}

}  // namespace cadenza::http
