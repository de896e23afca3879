#include "http/connection.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "domain/error.h"
#include "http/blocking.h"
#include "http/header_text.h"
#include "http/request_guards.h"
#include "http/log_path.h"
#include "http/problem.h"
#include "http/response_writer.h"
#include "http/spool_file.h"

namespace cadenza::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFirstReadBytes = 4096;
// After refusing a request whose body was not read, the unread bytes are drained for a short
// while before closing: closing with unread input makes the kernel send RST, which can
// destroy the refusal before the client has read it.
constexpr std::chrono::seconds kLingerTime{2};
// What a client refused for too many connections is told to wait before it tries again.
constexpr std::chrono::seconds kRetryAfterBusy{5};

Response InternalError() { return Response::Problem(500, "internal error"); }

// Runs `fn`, turning what it throws into the response the client gets: domain errors map
// to their problem, anything else is a logged 500.
template <class Fn>
std::optional<Response> Guarded(const Request& request, Fn&& fn) {
  try {
    fn();
    return std::nullopt;
  } catch (const Error& error) {
    return ProblemFor(error);
  } catch (const std::exception& error) {
    spdlog::error("{} {}: {}", request.method, request.log_path, error.what());
  } catch (...) {
    spdlog::error("{} {}: unknown exception", request.method, request.log_path);
  }
  return InternalError();
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_buffer && ec != bhttp::error::need_more;
}

Response TooLarge(std::int64_t max_body) {
  return Response::Problem(
      413, fmt::format("request body is larger than the {} bytes this endpoint accepts", max_body));
}

std::string AllowedList(const std::vector<std::string>& methods) {
  std::string list;
  for (const auto& method : methods) {
    if (!list.empty()) list += ", ";
    list += method;
  }
  return list;
}

// Copies what the handler needs of the request head: method, target, lower-cased headers.
void CopyHead(const bhttp::request<bhttp::empty_body>& header, const std::string& remote_address,
              Request& request) {
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.remote_address = remote_address;
  for (const auto& field : header) {
    request.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
  }
}

// The 404 or 405 for a path no route of this method matched.
Response NoRouteRefusal(const Router::Match& match, const Request& request) {
  if (match.allowed_methods.empty()) {
    return Response::Problem(404, "no resource at " + request.path);
  }
  const std::string allowed = AllowedList(match.allowed_methods);
  Response refusal = Response::Problem(
      405, fmt::format("{} is not allowed on {}; allowed: {}", request.method, request.path,
                       allowed));
  refusal.SetHeader("Allow", allowed);
  return refusal;
}

// The answer to a body that could not be received whole; nullopt when it was.
std::optional<Response> BodyRefusal(BodyOutcome outcome, std::int64_t max_body) {
  switch (outcome) {
    case BodyOutcome::kComplete:
    case BodyOutcome::kLost:
      return std::nullopt;
    case BodyOutcome::kTooLarge:
      return TooLarge(max_body);
    case BodyOutcome::kMalformed:
      return Response::Problem(400, "malformed HTTP request: invalid body framing");
    case BodyOutcome::kStorageFailed:
      return Response::Problem(503, "the request body could not be stored; retry later");
  }
  return std::nullopt;
}

}  // namespace

struct Connection::Exchange {
  Request request;
  unsigned version = 11;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

Connection::Connection(ServerState& state, tcp::socket socket)
    : state_(state), stream_(std::move(socket)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
}

Connection::~Connection() { state_.RemoveConnection(this); }

asio::awaitable<void> Connection::Run(std::shared_ptr<Connection> self) {
  co_await self->Serve();
}

asio::awaitable<void> Connection::Refuse(std::shared_ptr<Connection> self, std::string detail) {
  Exchange exchange;
  exchange.request.method = "-";
  exchange.request.remote_address = self->remote_address_;
  Response busy = Response::Problem(503, detail);
  busy.SetHeader("Retry-After", std::to_string(kRetryAfterBusy.count()));
  co_await self->Finish(exchange, std::move(busy), false);
  co_await self->CloseGracefully();
}

void Connection::CloseIfIdle() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->idle_) return;
    beast::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    self->stream_.close();
  });
}

asio::awaitable<void> Connection::Serve() {
  const ServerOptions& options = state_.options();
  bool first = true;
  for (;;) {
    idle_ = true;
    if (state_.stopping()) co_return;
    // Between requests the idle limit applies; once a request starts, the head limit does.
    if (buffer_.size() == 0) {
      stream_.expires_after(first ? options.header_timeout : options.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kFirstReadBytes), kTuple);
      if (ec) co_return;
      buffer_.commit(n);
    }
    first = false;

    HeadParser head;
    head.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    head.body_limit(boost::none);  // the route's limit is applied once the route is known
    stream_.expires_after(options.header_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, head, kTuple);
    Next next = Next::kClose;
    if (ec) {
      if (ec == bhttp::error::header_limit || IsHttpParseError(ec)) {
        next = co_await RespondToBadHead(ec);
      } else {
        co_return;  // the peer left or was too slow: nobody is listening for an answer
      }
    } else {
      idle_ = false;
      InFlightRequest in_flight(state_);
      next = co_await ServeRequest(head);
    }
    if (next == Next::kClose) {
      co_await CloseGracefully();
      co_return;
    }
  }
}

asio::awaitable<Connection::Next> Connection::RespondToBadHead(const beast::error_code& ec) {
  Exchange exchange;
  exchange.request.method = "-";
  exchange.request.remote_address = remote_address_;
  if (ec == bhttp::error::header_limit) {
    co_return co_await Finish(
        exchange,
        Response::Problem(431, fmt::format("request head is larger than {} bytes",
                                           state_.options().max_header_bytes)),
        false);
  }
  co_return co_await Finish(
      exchange, Response::Problem(400, "malformed HTTP request: " + ec.message()), false);
}

asio::awaitable<Connection::Next> Connection::ServeRequest(HeadParser& head) {
  const auto& header = head.get();
  Exchange exchange;
  Request& request = exchange.request;
  CopyHead(header, remote_address_, request);
  exchange.version = header.version();
  const bool has_body = !head.is_done();
  const bool keep_alive = header.keep_alive();
  // A refusal sent before the body is read leaves the body on the wire: close afterwards.
  const bool keep_after_refusal = keep_alive && !has_body;

  const ServerOptions& options = state_.options();
  request.log_path = PathForLog(request.target, {}, options.credential_path_prefixes);
  // Framing the parser would misread, and hosts the URLs must not be built on, are refused
  // before anything else; a body that may follow is never read.
  if (auto refusal = FramingRefusal(request)) {
    co_return co_await Finish(exchange, std::move(*refusal), false);
  }
  if (auto refusal = HostRefusal(request, options.allowed_hosts)) {
    co_return co_await Finish(exchange, std::move(*refusal), false);
  }
  auto target = boost::urls::parse_origin_form(request.target);
  if (!target) {
    co_return co_await Finish(
        exchange,
        Response::Problem(400, "malformed request target: expected an absolute path with an "
                               "optional query, percent-encoded"),
        keep_after_refusal);
  }
  request.path = target->encoded_path().decode();
  for (auto param : target->params()) request.query.emplace(param.key, param.value);

  const Router::Match match = state_.router().Find(request.method, target->encoded_path(), request);
  request.log_path = PathForLog(request.target, request.path_params, options.credential_path_prefixes);
  if (!match.route) {
    co_return co_await Finish(exchange, NoRouteRefusal(match, request), keep_after_refusal);
  }
  const Route& route = *match.route;

  std::optional<Principal> caller;
  std::int64_t max_body = route.options.max_body_bytes;
  if (auto refusal = co_await Admit(route, request, caller, max_body)) {
    co_return co_await Finish(exchange, std::move(*refusal), keep_after_refusal);
  }
  if (auto length = head.content_length();
      length && *length > static_cast<std::uint64_t>(max_body)) {
    co_return co_await Finish(exchange, TooLarge(max_body), false);
  }

  std::optional<SpoolFile> spool;  // deleted on every path unless the handler takes it
  if (has_body) {
    const BodyOutcome outcome = co_await ReceiveBody(head, route, max_body, spool, request);
    if (outcome == BodyOutcome::kLost) co_return Next::kClose;
    if (auto refusal = BodyRefusal(outcome, max_body)) {
      co_return co_await Finish(exchange, std::move(*refusal), false);
    }
  }

  Response response = co_await RunBlocking(state_.pool(), [&] {
    Response result;
    auto problem = Guarded(request, [&] {
      result = caller ? route.authenticated_handler(request, *caller) : route.handler(request);
    });
    if (spool) spool->Remove();  // still there: the handler did not take it over
    return problem ? std::move(*problem) : std::move(result);
  });
  co_return co_await Finish(exchange, std::move(response), keep_alive);
}

asio::awaitable<std::optional<Response>> Connection::Admit(const Route& route, Request& request,
                                                           std::optional<Principal>& caller,
                                                           std::int64_t& max_body) {
  // Who is calling is settled first: an unauthenticated or wrong-role client never gets a
  // route hook run or a body read.
  if (route.access.needs_account()) {
    auto refusal = co_await RunBlocking(state_.pool(), [&] {
      return Guarded(request, [&] { caller = state_.router().Authenticate(route, request); });
    });
    if (refusal) co_return refusal;
  }
  if (route.options.before_body) {
    auto refusal = co_await RunBlocking(state_.pool(), [&] {
      return Guarded(request, [&] {
        request.admission = route.options.before_body(request, max_body);
      });
    });
    if (refusal) co_return refusal;
  }
  max_body = std::max<std::int64_t>(max_body, 0);
  co_return std::nullopt;
}

asio::awaitable<BodyOutcome> Connection::ReceiveBody(HeadParser& head, const Route& route,
                                                     std::int64_t max_body,
                                                     std::optional<SpoolFile>& spool,
                                                     Request& request) {
  const ServerOptions& options = state_.options();
  if (head.get().version() >= 11 && beast::iequals(request.Header("expect"), "100-continue")) {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.get().version()};
    stream_.expires_after(options.transfer.idle);
    auto [ec, n] = co_await bhttp::async_write(stream_, go_on, kTuple);
    if (ec) co_return BodyOutcome::kLost;
  }
  const BodyOutcome outcome =
      route.options.spool_body
          ? co_await SpoolBody(stream_, buffer_, head, max_body, options.transfer,
                               state_.pool(), route.options.spool_dir, spool, request)
          : co_await ReadStringBody(stream_, buffer_, head, max_body, options.transfer, request);
  if (outcome == BodyOutcome::kLost) {
    spdlog::info("{} {} abandoned while its body was read", request.method, request.log_path);
  }
  co_return outcome;
}

asio::awaitable<Connection::Next> Connection::Finish(Exchange& exchange, Response response,
                                                     bool keep_alive) {
  keep_alive = keep_alive && !state_.stopping();
  const WriteResult result =
      co_await WriteResponse(stream_, state_.pool(), std::move(response), exchange.request,
                             exchange.version, keep_alive, state_.options().transfer);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - exchange.started);
  spdlog::info("{} {} {} {} {}ms", exchange.request.method,
               exchange.request.log_path.empty() ? "-" : exchange.request.log_path,
               result.status, result.body_bytes, elapsed.count());
  co_return result.ok && keep_alive ? Next::kKeepAlive : Next::kClose;
}

asio::awaitable<void> Connection::CloseGracefully() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) {
    stream_.expires_after(kLingerTime);
    std::vector<char> sink(std::size_t{16} * 1024);
    for (;;) {
      auto [read_ec, n] = co_await stream_.async_read_some(asio::buffer(sink), kTuple);
      if (read_ec) break;
    }
  }
  stream_.close();
}

}  // namespace cadenza::http
