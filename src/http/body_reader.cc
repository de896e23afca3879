#include "http/body_reader.h"

#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include "http/blocking.h"

namespace cadenza::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kSpoolChunkBytes = std::size_t{256} * 1024;

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_buffer && ec != bhttp::error::need_more;
}

BodyOutcome Classify(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return BodyOutcome::kTooLarge;
  if (IsParseError(ec)) return BodyOutcome::kMalformed;
  return BodyOutcome::kLost;  // the peer left, was too slow, or the server is stopping
}

// The socket's deadline for the next read, given the bytes received so far.
void ArmDeadline(beast::tcp_stream& stream, const TransferDeadline& deadline,
                 std::int64_t received) {
  stream.expires_at(deadline.For(received, std::chrono::steady_clock::now()));
}

}  // namespace

asio::awaitable<BodyOutcome> ReadStringBody(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            HeadParser& head, std::int64_t max_body,
                                            const TransferLimits& limits, Request& request) {
  bhttp::request_parser<bhttp::string_body> parser{std::move(head)};
  parser.body_limit(static_cast<std::uint64_t>(max_body));
  const TransferDeadline deadline(limits, std::chrono::steady_clock::now());
  std::int64_t received = 0;
  while (!parser.is_done()) {
    ArmDeadline(stream, deadline, received);
    auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
    if (ec) co_return Classify(ec);
    received += static_cast<std::int64_t>(n);
  }
  request.body = std::move(parser.get().body());
  request.body_size = static_cast<std::int64_t>(request.body.size());
  co_return BodyOutcome::kComplete;
}

asio::awaitable<BodyOutcome> SpoolBody(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                       HeadParser& head, std::int64_t max_body,
                                       const TransferLimits& limits, asio::thread_pool& pool,
                                       const std::string& spool_dir,
                                       std::optional<SpoolFile>& spool, Request& request) {
  bhttp::request_parser<bhttp::buffer_body> parser{std::move(head)};
  parser.body_limit(static_cast<std::uint64_t>(max_body));
  bool storage_failed = false;
  try {
    spool = co_await RunBlocking(pool, [&] { return std::optional(SpoolFile::Create(spool_dir)); });
  } catch (const std::exception& error) {
    spdlog::error("cannot spool a request body: {}", error.what());
    storage_failed = true;
  }
  if (storage_failed) co_return BodyOutcome::kStorageFailed;

  const TransferDeadline deadline(limits, std::chrono::steady_clock::now());
  std::vector<char> chunk(kSpoolChunkBytes);
  std::int64_t total = 0;
  std::int64_t received = 0;
  BodyOutcome outcome = BodyOutcome::kComplete;
  while (!parser.is_done() && outcome == BodyOutcome::kComplete) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // Fill the chunk (or finish the body) before handing it to the disk.
    while (!parser.is_done() && parser.get().body().size > 0) {
      ArmDeadline(stream, deadline, received);
      auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
      received += static_cast<std::int64_t>(n);
      if (ec == bhttp::error::need_buffer) break;
      if (ec) {
        outcome = Classify(ec);
        break;
      }
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (outcome != BodyOutcome::kComplete || got == 0) continue;
    try {
      co_await RunBlocking(pool, [&] { spool->Write(chunk.data(), got); });
      total += static_cast<std::int64_t>(got);
    } catch (const std::exception& error) {
      spdlog::error("cannot spool a request body: {}", error.what());
      outcome = BodyOutcome::kStorageFailed;
    }
  }
  if (outcome == BodyOutcome::kComplete) {
    try {
      co_await RunBlocking(pool, [&] { spool->SyncAndClose(); });
    } catch (const std::exception& error) {
      spdlog::error("cannot spool a request body: {}", error.what());
      outcome = BodyOutcome::kStorageFailed;
    }
  }
  if (outcome != BodyOutcome::kComplete) {
    co_await RunBlocking(pool, [&] { spool->Remove(); });
    co_return outcome;
  }
  request.body_file = spool->path();
  request.body_size = total;
  co_return BodyOutcome::kComplete;
}

}  // namespace cadenza::http
