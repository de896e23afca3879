#pragma once
// One accepted HTTP/1.1 connection: reads requests with keep-alive, applies the route's
// limits, runs handlers on the blocking-work pool and writes their responses.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "domain/principal.h"
#include "http/body_reader.h"
#include "http/router.h"
#include "http/server_state.h"
#include "http/spool_file.h"

namespace cadenza::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must be bound to a strand: all of the connection's work runs on it.
  Connection(ServerState& state, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves requests until the peer leaves, a timeout fires, an error occurs, or the server
  // stops. Runs on the socket's strand; the frame keeps `self` alive.
  static boost::asio::awaitable<void> Run(std::shared_ptr<Connection> self);
  // Answers a connection the server does not admit (too many open) with a 503 problem that
  // carries Retry-After and `detail`, then closes it. Runs on the socket's strand.
  static boost::asio::awaitable<void> Refuse(std::shared_ptr<Connection> self,
                                             std::string detail);

  // The peer's IP address as text (empty when the socket had none).
  const std::string& remote_address() const { return remote_address_; }

  // Thread-safe. Closes the connection now if it is waiting for a request; a connection busy
  // with one finishes it and then closes (it sees the server's stop flag).
  void CloseIfIdle();

 private:
  enum class Next { kKeepAlive, kClose };
  struct Exchange;

  boost::asio::awaitable<void> Serve();
  boost::asio::awaitable<Next> ServeRequest(HeadParser& head);
  // Authenticates the caller (when the route needs an account) and runs the route's
  // before_body hook, which may lower `max_body`; the refusal to send when either says no.
  boost::asio::awaitable<std::optional<Response>> Admit(const Route& route, Request& request,
                                                        std::optional<Principal>& caller,
                                                        std::int64_t& max_body);
  // Reads the body into memory or a spool file (sending 100 Continue first when asked).
  boost::asio::awaitable<BodyOutcome> ReceiveBody(HeadParser& head, const Route& route,
                                                  std::int64_t max_body,
                                                  std::optional<SpoolFile>& spool,
                                                  Request& request);
  boost::asio::awaitable<Next> RespondToBadHead(const boost::beast::error_code& ec);
  boost::asio::awaitable<Next> Finish(Exchange& exchange, Response response, bool keep_alive);
  boost::asio::awaitable<void> CloseGracefully();

  ServerState& state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string remote_address_;
  bool idle_ = true;  // waiting for (the head of) a request; touched on the strand only
};

}  // namespace cadenza::http
