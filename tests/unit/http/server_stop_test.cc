// Graceful stop over real sockets.
#include "server_fixture.h"

#include <thread>

namespace cadenza::http::testing {
namespace {

bool AcceptsConnections(std::uint16_t port) {
  try {
    TestClient probe(port);
    return true;
  } catch (const boost::system::system_error&) {
    return false;
  }
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinish) {
  StartServer();
  TestClient client(server_->port());
  client.Send(Get("/slow"));
  slow_entered_.get_future().wait();

  std::thread stopper([this] { server_->Stop(); });
  // Stop closes the listener first; once new connections fail, the stop is under way while
  // the slow request is still in its handler.
  const std::uint16_t port = server_->port();
  ASSERT_TRUE(Eventually([&] { return !AcceptsConnections(port); }));
  slow_release_.set_value();

  StringResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "finally");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
  stopper.join();
  server_->Wait();  // already complete
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections) {
  StartServer();
  TestClient client(server_->port());
  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");
  server_->Stop();
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_FALSE(AcceptsConnections(server_->port()));
}

TEST(ServerLifecycleTest, StopWithoutStartAndStartTwice) {
  auto router = std::make_shared<Router>();
  {
    Server server(ServerOptions{}, router);
    server.Stop();
    server.Wait();
  }
  ServerOptions options;
  options.port = 0;
  Server server(options, router);
  server.Start();
  EXPECT_THROW(server.Start(), std::logic_error);
  std::thread other([&server] { server.Stop(); });
  server.Stop();
  other.join();
}

TEST(ServerLifecycleTest, BindFailureThrows) {
  auto router = std::make_shared<Router>();
  ServerOptions options;
  options.port = 0;
  Server first(options, router);
  first.Start();
  options.port = first.port();
  Server second(options, router);
  EXPECT_THROW(second.Start(), std::runtime_error);
}

}  // namespace
}  // namespace cadenza::http::testing
