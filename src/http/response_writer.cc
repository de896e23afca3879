#include "http/response_writer.h"

#include <ctime>
#include <optional>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "domain/error.h"
#include "http/blocking.h"
#include "http/byte_range.h"
#include "http/problem.h"

namespace cadenza::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::size_t kChunkBytes = std::size_t{256} * 1024;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string HttpDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, n);
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Framing headers belong to the server; a header that could split the response is dropped.
bool IsSendable(const std::pair<std::string, std::string>& header) {
  const auto& [name, value] = header;
  if (name.empty() || HasLineBreak(name) || HasLineBreak(value) ||
      name.find_first_of(": \t") != std::string::npos) {
    spdlog::error("dropping an invalid response header \"{}\"", name);
    return false;
  }
  return !beast::iequals(name, "content-length") && !beast::iequals(name, "transfer-encoding") &&
         !beast::iequals(name, "connection");
}

template <class Body>
void FillHeader(bhttp::response<Body>& message, const Response& response, unsigned version,
                bool keep_alive) {
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (const auto& header : response.headers) {
    if (IsSendable(header)) message.insert(header.first, header.second);
  }
  message.set(bhttp::field::date, HttpDate());
  message.set(bhttp::field::server, "cadenza");
  message.keep_alive(keep_alive);
}

Response InternalError() { return Response::Problem(500, "internal error"); }

bool IsHead(const Request& request) { return request.method == "HEAD"; }

void ArmDeadline(beast::tcp_stream& stream, const TransferDeadline& deadline,
                 std::int64_t bytes_after_write) {
  stream.expires_at(deadline.For(bytes_after_write, std::chrono::steady_clock::now()));
}

asio::awaitable<WriteResult> WriteString(beast::tcp_stream& stream, Response response,
                                         const Request& request, unsigned version,
                                         bool keep_alive, const TransferLimits& limits) {
  const int status = response.status;
  bhttp::response<bhttp::string_body> message;
  FillHeader(message, response, version, keep_alive);
  if (status == 204 || status == 304) {
    response.body.clear();  // these statuses never carry a body (RFC 9110 15.3.5, 15.4.5)
  }
  message.body() = std::move(response.body);
  message.prepare_payload();
  const auto body_bytes = static_cast<std::int64_t>(message.body().size());

  bhttp::response_serializer<bhttp::string_body> serializer{message};
  // The head and body go out in one write: the whole of it must leave at the minimum rate.
  const TransferDeadline deadline(limits, std::chrono::steady_clock::now());
  ArmDeadline(stream, deadline, body_bytes);
  beast::error_code ec;
  if (IsHead(request)) {
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(stream, serializer, kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, serializer, kTuple);
  }
  co_return WriteResult{!ec, status, ec || IsHead(request) ? 0 : body_bytes};
}

std::string_view PathForLog(const Request& request) {
  return request.log_path.empty() ? std::string_view("-") : std::string_view(request.log_path);
}

// Reads up to `n` (> 0) bytes at `offset` on the pool into `out`, setting `got`; returns the
// response to send instead when the source fails.
asio::awaitable<std::optional<Response>> ReadChunk(asio::thread_pool& pool, BodySource& source,
                                                   const Request& request, std::int64_t offset,
                                                   char* out, std::size_t n, std::size_t& got) {
  std::optional<Response> failure;
  try {
    got = co_await RunBlocking(pool, [&] { return source.ReadAt(offset, out, n); });
    if (got > n) throw std::logic_error("BodySource::ReadAt returned more bytes than asked for");
    if (got == 0) throw std::runtime_error("stream body ended before its announced size");
  } catch (const Error& error) {
    failure = ProblemFor(error);
  } catch (const std::exception& error) {
    spdlog::error("{} {}: reading the response body failed: {}", request.method,
                  PathForLog(request), error.what());
    failure = InternalError();
  }
  co_return failure;
}

// The part of a stream body a request asks for: all of it, one satisfiable Range (206), or a
// refusal (416) to send instead.
struct BodyRange {
  std::int64_t first = 0;
  std::int64_t length = 0;
  std::optional<std::string> content_range;
  std::optional<Response> refusal;
};

BodyRange ResolveRange(const Response& response, const Request& request, std::int64_t size) {
  BodyRange whole{0, size, std::nullopt, std::nullopt};
  // Without validators to compare, an If-Range can never be known to match: send it all.
  const bool ranged = response.status == 200 &&
                      (request.method == "GET" || request.method == "HEAD") &&
                      !request.Header("range").empty() && request.Header("if-range").empty();
  if (!ranged) return whole;
  const ByteRangeResult range = ParseByteRange(request.Header("range"), size);
  if (range.outcome != ByteRangeResult::Outcome::kRange) {
    Response refusal = Response::Problem(416, range.detail);
    refusal.SetHeader("Content-Range", fmt::format("bytes */{}", size));
    refusal.SetHeader("Accept-Ranges", "bytes");
    whole.refusal = std::move(refusal);
    return whole;
  }
  return BodyRange{range.first, range.length(),
                   fmt::format("bytes {}-{}/{}", range.first, range.last, size), std::nullopt};
}

// Sends the body of `serializer` chunk by chunk, `got` bytes of `chunk` already read at
// `first`; reads the next chunk on the blocking pool while the socket is idle. Adds the bytes
// sent to `result.body_bytes` and sets `result.ok` once the last chunk is out.
asio::awaitable<void> WriteBodyChunks(
    beast::tcp_stream& stream, asio::thread_pool& pool, BodySource& source,
    const Request& request, bhttp::response<bhttp::buffer_body>& message,
    bhttp::response_serializer<bhttp::buffer_body>& serializer, std::vector<char>& chunk,
    std::size_t got, std::int64_t first, std::int64_t length, const TransferLimits& limits,
    WriteResult& result) {
  const TransferDeadline deadline(limits, std::chrono::steady_clock::now());
  std::int64_t offset = first;
  std::int64_t remaining = length;
  while (remaining > 0) {
    message.body().data = chunk.data();
    message.body().size = got;
    message.body().more = true;
    ArmDeadline(stream, deadline, result.body_bytes + static_cast<std::int64_t>(got));
    auto [ec, n] = co_await bhttp::async_write(stream, serializer, kTuple);
    if (ec && ec != bhttp::error::need_buffer) co_return;
    offset += static_cast<std::int64_t>(got);
    remaining -= static_cast<std::int64_t>(got);
    result.body_bytes += static_cast<std::int64_t>(got);
    if (remaining == 0) break;
    auto failure = co_await ReadChunk(pool, source, request, offset, chunk.data(),
                                      std::min<std::size_t>(chunk.size(), remaining), got);
    if (failure) co_return;  // the head is out: only closing tells the client
  }
  message.body().data = nullptr;
  message.body().size = 0;
  message.body().more = false;
  ArmDeadline(stream, deadline, result.body_bytes);
  auto [ec, n] = co_await bhttp::async_write(stream, serializer, kTuple);
  result.ok = !ec;
}

asio::awaitable<WriteResult> WriteStream(beast::tcp_stream& stream, asio::thread_pool& pool,
                                         Response response, const Request& request,
                                         unsigned version, bool keep_alive,
                                         const TransferLimits& limits) {
  BodySource& source = *response.stream;
  const std::int64_t size = std::max<std::int64_t>(source.size(), 0);
  BodyRange range = ResolveRange(response, request, size);
  if (range.refusal) {
    co_return co_await WriteString(stream, std::move(*range.refusal), request, version,
                                   keep_alive, limits);
  }
  if (range.content_range) response.status = 206;
  const std::int64_t first = range.first;
  const std::int64_t length = range.length;

  // The first chunk is read before the head is sent, so that a source failing at once still
  // gets a proper error response.
  const bool head_only = IsHead(request);
  const std::int64_t chunk_bytes = std::min<std::int64_t>(
      static_cast<std::int64_t>(kChunkBytes), std::max<std::int64_t>(length, 1));
  std::vector<char> chunk(static_cast<std::size_t>(chunk_bytes));
  std::size_t got = 0;
  if (!head_only && length > 0) {
    auto failure = co_await ReadChunk(pool, source, request, first, chunk.data(),
                                      std::min<std::size_t>(chunk.size(), length), got);
    if (failure) {
      co_return co_await WriteString(stream, std::move(*failure), request, version, keep_alive,
                                     limits);
    }
  }

  bhttp::response<bhttp::buffer_body> message;
  FillHeader(message, response, version, keep_alive);
  message.set(bhttp::field::accept_ranges, "bytes");
  if (range.content_range) message.set(bhttp::field::content_range, *range.content_range);
  message.content_length(static_cast<std::uint64_t>(length));
  bhttp::response_serializer<bhttp::buffer_body> serializer{message};
  WriteResult result{false, response.status, 0};

  if (head_only) {
    stream.expires_after(limits.idle);
    auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
    result.ok = !ec;
    co_return result;
  }
  co_await WriteBodyChunks(stream, pool, source, request, message, serializer, chunk, got, first,
                           length, limits, result);
  co_return result;
}

}  // namespace

asio::awaitable<WriteResult> WriteResponse(beast::tcp_stream& stream, asio::thread_pool& pool,
                                           Response response, const Request& request,
                                           unsigned version, bool keep_alive,
                                           const TransferLimits& limits) {
  if (response.status < 200 || response.status > 599) {
    spdlog::error("{} {}: handler returned invalid status {}", request.method,
                  PathForLog(request), response.status);
    response = InternalError();
  }
  if (response.stream) {
    co_return co_await WriteStream(stream, pool, std::move(response), request, version,
                                   keep_alive, limits);
  }
  co_return co_await WriteString(stream, std::move(response), request, version, keep_alive,
                                 limits);
}

}  // namespace cadenza::http
