#pragma once
// A real Server on an ephemeral loopback port with a small router, and a blocking Beast
// client speaking raw HTTP/1.1 to it.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "domain/error.h"
#include "http/server.h"
#include "unit/support/temp_dir.h"

namespace cadenza::http::testing {

namespace bhttp = boost::beast::http;
using StringResponse = bhttp::response<bhttp::string_body>;

class TestClient {
 public:
  explicit TestClient(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  void Send(std::string_view raw) { boost::asio::write(socket_, boost::asio::buffer(raw)); }

  // Reads one response; `head` skips the body a HEAD response announces.
  StringResponse Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  StringResponse Roundtrip(std::string_view raw, bool head = false) {
    Send(raw);
    return Read(head);
  }

  // True when the server closed the connection (EOF) with no further response bytes.
  bool ServerClosed() {
    if (buffer_.size() > 0) return false;
    char byte;
    boost::system::error_code ec;
    socket_.read_some(boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

  void Close() {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

inline boost::json::object JsonBody(const StringResponse& response) {
  return boost::json::parse(response.body()).as_object();
}

inline std::string Get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

// Deterministic bytes that differ at every offset a chunk boundary could fall on.
inline std::string PatternBytes(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return bytes;
}

class MemorySource : public BodySource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }
  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    if (offset >= size()) return 0;
    const std::size_t count = std::min<std::size_t>(n, bytes_.size() - offset);
    std::copy_n(bytes_.data() + offset, count, out);
    return count;
  }

 private:
  std::string bytes_;
};

inline std::size_t CountFiles(const std::filesystem::path& dir) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Polls `condition` for up to ~20 s (the server finishes some work after answering).
template <class Condition>
bool Eventually(Condition condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class ServerTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kStreamSize = 600 * 1024 + 17;  // more than two chunks

  void SetUp() override;
  void TearDown() override;

  // Adds the routes the tests use, then starts the server.
  void StartServer(ServerOptions options = {});

  test_support::TempDir temp_;
  const std::filesystem::path temp_dir_ = temp_.path();
  std::filesystem::path spool_dir_;
  std::filesystem::path kept_dir_;
  std::string stream_bytes_ = PatternBytes(kStreamSize);
  std::shared_ptr<Router> router_ = std::make_shared<Router>();
  std::unique_ptr<Server> server_;

  // What the upload handler saw.
  std::mutex seen_mutex_;
  std::string seen_body_;
  std::filesystem::path seen_file_;
  std::int64_t seen_size_ = -1;
  std::atomic<int> upload_calls_{0};

  // The slow handler: signals when it starts and waits until released.
  std::promise<void> slow_entered_;
  std::promise<void> slow_release_;
  std::shared_future<void> slow_release_future_ = slow_release_.get_future().share();
};

}  // namespace cadenza::http::testing
