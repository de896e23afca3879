// What a hostile client can do to the connection layer: framing a proxy would read
// differently, bodies and responses that trickle, too many connections, a Host of its choice.
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>

#include "server_fixture.h"

namespace cadenza::http::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A connected loopback socket with deadlines, for clients that misbehave on purpose.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, int receive_buffer = 0) : socket_(io_) {
    socket_.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0) {
      socket_.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    }
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  // False once the peer has closed or reset the connection.
  bool Send(std::string_view bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    return !ec;
  }

  // Reads up to `max` bytes that arrive within `wait`: -1 when the peer closed (EOF or
  // reset), else the count (0 when nothing came).
  long ReadSome(std::size_t max, milliseconds wait) {
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) return 0;
    std::string buffer(max, '\0');
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(boost::asio::buffer(buffer), ec);
    if (ec) return -1;
    received_.append(buffer.data(), n);
    return static_cast<long>(n);
  }

  const std::string& received() const { return received_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string received_;
};

ServerOptions WithTransfer(seconds idle, seconds grace, std::int64_t rate) {
  ServerOptions options;
  options.transfer.idle = idle;
  options.transfer.grace = grace;
  options.transfer.min_bytes_per_second = rate;
  return options;
}

TEST_F(ServerTest, TransferEncodingOtherThanChunkedIs400AndTheRestIsNeverParsed) {
  StartServer();
  const std::string smuggled = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
  for (const std::string coding : {"Transfer-Encoding: xchunked\r\n",
                                   "Transfer-Encoding: chunked, identity\r\n",
                                   "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                                   "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"}) {
    SCOPED_TRACE(coding);
    TestClient client(server_->port());
    StringResponse response =
        client.Roundtrip("POST /echo HTTP/1.1\r\nHost: t\r\n" + coding + "\r\n" + smuggled);
    EXPECT_EQ(response.result_int(), 400);
    EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
    // Beast refuses Transfer-Encoding with Content-Length as a malformed head itself.
    const std::string detail(JsonBody(response).at("detail").as_string());
    EXPECT_TRUE(detail.find("Transfer-Encoding") != std::string::npos ||
                detail.find("malformed") != std::string::npos)
        << detail;
    EXPECT_TRUE(client.ServerClosed()) << "the smuggled request was answered";
  }
}

TEST_F(ServerTest, ABodyThatTricklesInIsCutOffByTheMinimumRate) {
  // The idle limit alone (5 minutes) would let this client go on for 100 s.
  StartServer(WithTransfer(seconds(300), seconds(1), 1024));
  RawClient client(server_->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"));
  const auto give_up = Clock::now() + seconds(30);
  bool closed = false;
  while (!closed && Clock::now() < give_up) {
    closed = !client.Send("x") || client.ReadSome(4096, milliseconds(100)) < 0;
  }
  EXPECT_TRUE(closed) << "a body sent at 10 bytes/s was still being read after 30 s";
}

TEST_F(ServerTest, AFastBodyIsNotCutOff) {
  StartServer(WithTransfer(seconds(300), seconds(1), 1024));
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "abcde");
}

TEST_F(ServerTest, AResponseReadTooSlowlyIsCutOff) {
  constexpr std::size_t kBig = std::size_t{64} << 20;
  router_->AddPublic("GET", "/big", [](Request&) {
    Response response;
    response.stream = std::make_shared<MemorySource>(std::string(kBig, 'b'));
    return response;
  });
  // 1 MiB/s at least; the client reads a few KiB/s and never pauses long enough for the idle
  // limit.
  StartServer(WithTransfer(seconds(300), seconds(1), 1 << 20));
  RawClient client(server_->port(), 4096);
  ASSERT_TRUE(client.Send(Get("/big")));
  const auto slow_until = Clock::now() + seconds(10);
  bool closed = false;
  while (!closed && Clock::now() < slow_until) {
    closed = client.ReadSome(4096, milliseconds(100)) < 0;
    std::this_thread::sleep_for(milliseconds(100));
  }
  // A closed socket still delivers what the kernel had queued: read the rest at full speed.
  // A server that kept going sends all of it and leaves the connection open.
  const auto give_up = Clock::now() + seconds(30);
  while (!closed && client.received().size() < kBig && Clock::now() < give_up) {
    closed = client.ReadSome(std::size_t{1} << 20, milliseconds(1000)) < 0;
  }
  EXPECT_TRUE(closed) << "a slow reader was served on";
  EXPECT_LT(client.received().size(), kBig);
}

TEST_F(ServerTest, ConnectionsOverTheAddressCapGet503WithRetryAfter) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  StartServer(options);
  TestClient first(server_->port());
  TestClient second(server_->port());
  EXPECT_EQ(first.Roundtrip(Get("/hello")).result_int(), 200);
  EXPECT_EQ(second.Roundtrip(Get("/hello")).result_int(), 200);

  TestClient third(server_->port());
  StringResponse refused = third.Read();
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused[bhttp::field::retry_after], "5");
  EXPECT_EQ(refused[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(std::string(JsonBody(refused).at("detail").as_string()).find("limit is 2"),
            std::string::npos);
  EXPECT_TRUE(third.ServerClosed());

  first.Close();
  EXPECT_TRUE(Eventually([&] {
    TestClient again(server_->port());
    again.Send(Get("/hello"));
    return again.Read().result_int() == 200;
  }));
}

TEST_F(ServerTest, ConnectionsOverTheServerCapGet503) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  TestClient first(server_->port());
  EXPECT_EQ(first.Roundtrip(Get("/hello")).result_int(), 200);
  TestClient second(server_->port());
  StringResponse refused = second.Read();
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_FALSE(refused[bhttp::field::retry_after].empty());
  EXPECT_EQ(first.Roundtrip(Get("/hello")).result_int(), 200);  // the admitted one goes on
}

TEST_F(ServerTest, AHostOutsideAllowedHostsIs400) {
  ServerOptions options;
  options.allowed_hosts = {"music.example.org", ".example.net"};
  StartServer(options);
  const auto status = [&](std::string_view host) {
    TestClient client(server_->port());
    return client
        .Roundtrip("GET /hello HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n")
        .result_int();
  };
  EXPECT_EQ(status("music.example.org"), 200);
  EXPECT_EQ(status("MUSIC.example.org:8443"), 200);
  EXPECT_EQ(status("example.net"), 200);
  EXPECT_EQ(status("cdn.example.net"), 200);
  EXPECT_EQ(status("attacker.example"), 400);
  EXPECT_EQ(status("music.example.org.attacker.example"), 400);
  EXPECT_EQ(status("badexample.net"), 400);
  TestClient client(server_->port());
  EXPECT_EQ(client.Roundtrip("GET /hello HTTP/1.1\r\n\r\n").result_int(), 400);  // no Host
}

}  // namespace
}  // namespace cadenza::http::testing
