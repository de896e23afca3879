#pragma once
// Reads a request body whose head has been parsed: into memory, or chunk by chunk into a
// spool file on the blocking pool. Each read waits no longer than the transfer limits allow
// (http/transfer_deadline.h), so a body that trickles in is cut off.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/request.h"
#include "http/spool_file.h"
#include "http/transfer_deadline.h"

namespace cadenza::http {

// How reading a request body ended: all of it arrived, or why not (kLost: the peer went away
// or was too slow; nothing can be answered).
enum class BodyOutcome { kComplete, kTooLarge, kMalformed, kStorageFailed, kLost };

using HeadParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// Reads at most `max_body` bytes into request.body. Must run on the stream's executor.
boost::asio::awaitable<BodyOutcome> ReadStringBody(boost::beast::tcp_stream& stream,
                                                   boost::beast::flat_buffer& buffer,
                                                   HeadParser& head, std::int64_t max_body,
                                                   const TransferLimits& limits,
                                                   Request& request);

// Streams at most `max_body` bytes into a new SpoolFile in `spool_dir` (left in `spool`),
// writing on `pool`; on success sets request.body_file and request.body_size. The file is
// removed when the outcome is not kComplete. Must run on the stream's executor.
boost::asio::awaitable<BodyOutcome> SpoolBody(boost::beast::tcp_stream& stream,
                                              boost::beast::flat_buffer& buffer,
                                              HeadParser& head, std::int64_t max_body,
                                              const TransferLimits& limits,
                                              boost::asio::thread_pool& pool,
                                              const std::string& spool_dir,
                                              std::optional<SpoolFile>& spool, Request& request);

}  // namespace cadenza::http
