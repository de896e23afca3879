// Requests and responses over a real socket: routing, problems, streams and ranges, HEAD.
#include "server_fixture.h"

namespace cadenza::http::testing {
namespace {

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  TestClient client(server_->port());
  for (int i = 0; i < 2; ++i) {
    StringResponse response = client.Roundtrip(Get("/hello"));
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), "hello");
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(response[bhttp::field::content_length], "5");
    EXPECT_EQ(response[bhttp::field::content_type], "text/plain; charset=utf-8");
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  TestClient client(server_->port());
  client.Send(Get("/items/1") + Get("/hello"));
  EXPECT_EQ(JsonBody(client.Read()).at("id"), "1");
  EXPECT_EQ(client.Read().body(), "hello");
}

TEST_F(ServerTest, PathQueryAndHeadersReachTheHandlerDecoded) {
  StartServer();
  TestClient client(server_->port());
  auto body = JsonBody(client.Roundtrip(
      Get("/items/a%20b%2Fc?q=hello%20world&q=second", "Accept: text/x-test\r\n")));
  EXPECT_EQ(body.at("id"), "a b/c");
  EXPECT_EQ(body.at("path"), "/items/a b/c");
  EXPECT_EQ(body.at("q"), "hello world");
  EXPECT_EQ(body.at("remote"), "127.0.0.1");
  EXPECT_EQ(body.at("accept"), "text/x-test");
}

TEST_F(ServerTest, UnknownPathIs404Problem) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Get("/nowhere"));
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  auto body = JsonBody(response);
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("title"), "Not Found");
  EXPECT_EQ(body.at("type"), "about:blank");
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(response.result_int(), 405);
  EXPECT_EQ(response[bhttp::field::allow], "GET, HEAD");
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(JsonBody(response).at("status"), 405);
}

TEST_F(ServerTest, HandlerErrorsBecomeProblems) {
  StartServer();
  TestClient client(server_->port());

  StringResponse not_found = client.Roundtrip(Get("/fail/notfound"));
  EXPECT_EQ(not_found.result_int(), 404);
  EXPECT_EQ(JsonBody(not_found).at("detail"), "no such album");

  StringResponse invalid = client.Roundtrip(Get("/fail/field"));
  EXPECT_EQ(invalid.result_int(), 400);
  EXPECT_EQ(JsonBody(invalid).at("field"), "title");

  StringResponse unauthenticated = client.Roundtrip(Get("/fail/auth"));
  EXPECT_EQ(unauthenticated.result_int(), 401);
  EXPECT_EQ(unauthenticated[bhttp::field::www_authenticate], "Bearer");

  StringResponse internal = client.Roundtrip(Get("/fail/std"));
  EXPECT_EQ(internal.result_int(), 500);
  EXPECT_EQ(internal[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(JsonBody(internal).at("detail"), "internal error");
  EXPECT_EQ(internal.body().find("secret"), std::string::npos);

  StringResponse bad_status = client.Roundtrip(Get("/fail/status"));
  EXPECT_EQ(bad_status.result_int(), 500);

  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");  // still usable
}

TEST_F(ServerTest, MalformedRequestLineIs400AndCloses) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  const std::string detail(JsonBody(response).at("detail").as_string());
  EXPECT_EQ(detail.rfind("malformed HTTP request", 0), 0u) << detail;
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, MalformedTargetIs400) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip("GET /items/%zz HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(JsonBody(response).at("status"), 400);
}

TEST_F(ServerTest, OversizedHeadIsRefused) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  TestClient client(server_->port());
  StringResponse response =
      client.Roundtrip(Get("/hello", "X-Big: " + std::string(4000, 'a') + "\r\n"));
  EXPECT_EQ(response.result_int(), 431);
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Get("/hello", "Connection: close\r\n"));
  EXPECT_EQ(response.body(), "hello");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, Http10ClosesByDefaultAndKeepsAliveOnRequest) {
  StartServer();
  {
    TestClient client(server_->port());
    StringResponse response = client.Roundtrip("GET /hello HTTP/1.0\r\n\r\n");
    EXPECT_EQ(response.body(), "hello");
    EXPECT_EQ(response.version(), 10u);
    EXPECT_TRUE(client.ServerClosed());
  }
  TestClient client(server_->port());
  StringResponse response =
      client.Roundtrip("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(client.Roundtrip("GET /hello HTTP/1.0\r\n\r\n").body(), "hello");
}

TEST_F(ServerTest, StreamBodyIsSentWholeWithAcceptRanges) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Get("/stream"));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[bhttp::field::accept_ranges], "bytes");
  EXPECT_EQ(response[bhttp::field::content_type], "audio/mpeg");
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(kStreamSize));
  EXPECT_TRUE(response.body() == stream_bytes_);
  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");
}

TEST_F(ServerTest, StreamRangesAre206WithExactBytes) {
  StartServer();
  TestClient client(server_->port());
  const std::string size = std::to_string(kStreamSize);

  StringResponse middle = client.Roundtrip(Get("/stream", "Range: bytes=100-199\r\n"));
  EXPECT_EQ(middle.result_int(), 206);
  EXPECT_EQ(middle[bhttp::field::content_range], "bytes 100-199/" + size);
  EXPECT_EQ(middle[bhttp::field::content_length], "100");
  EXPECT_TRUE(middle.body() == stream_bytes_.substr(100, 100));

  // Spans a chunk boundary and runs to the end.
  StringResponse tail = client.Roundtrip(Get("/stream", "Range: bytes=200000-\r\n"));
  EXPECT_EQ(tail.result_int(), 206);
  EXPECT_EQ(tail[bhttp::field::content_range],
            "bytes 200000-" + std::to_string(kStreamSize - 1) + "/" + size);
  EXPECT_TRUE(tail.body() == stream_bytes_.substr(200000));

  StringResponse suffix = client.Roundtrip(Get("/stream", "Range: bytes=-10\r\n"));
  EXPECT_EQ(suffix.result_int(), 206);
  EXPECT_TRUE(suffix.body() == stream_bytes_.substr(kStreamSize - 10));

  // An If-Range the server cannot validate means: send everything.
  StringResponse if_range =
      client.Roundtrip(Get("/stream", "Range: bytes=0-1\r\nIf-Range: \"abc\"\r\n"));
  EXPECT_EQ(if_range.result_int(), 200);
  EXPECT_EQ(if_range.body().size(), kStreamSize);
}

TEST_F(ServerTest, BadRangesAre416WithContentRange) {
  StartServer();
  TestClient client(server_->port());
  const std::string expected_range = "bytes */" + std::to_string(kStreamSize);
  for (std::string range : {"bytes=999999999-", "bytes=0-1,5-6", "bytes=banana", "lines=1-2"}) {
    SCOPED_TRACE(range);
    StringResponse response = client.Roundtrip(Get("/stream", "Range: " + range + "\r\n"));
    EXPECT_EQ(response.result_int(), 416);
    EXPECT_EQ(response[bhttp::field::content_range], expected_range);
    EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
    EXPECT_FALSE(std::string(JsonBody(response).at("detail").as_string()).empty());
  }
}

TEST_F(ServerTest, HeadSendsHeadersWithoutBody) {
  StartServer();
  TestClient client(server_->port());
  StringResponse stream = client.Roundtrip("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_EQ(stream.result_int(), 200);
  EXPECT_EQ(stream[bhttp::field::content_length], std::to_string(kStreamSize));
  EXPECT_EQ(stream[bhttp::field::accept_ranges], "bytes");
  EXPECT_TRUE(stream.body().empty());

  StringResponse ranged =
      client.Roundtrip("HEAD /stream HTTP/1.1\r\nHost: t\r\nRange: bytes=0-9\r\n\r\n", true);
  EXPECT_EQ(ranged.result_int(), 206);
  EXPECT_EQ(ranged[bhttp::field::content_length], "10");

  StringResponse text = client.Roundtrip("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_EQ(text.result_int(), 200);
  EXPECT_EQ(text[bhttp::field::content_length], "5");

  // Had any body bytes been sent, this response would be garbled.
  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");
}

TEST_F(ServerTest, IdleAndSlowHeadConnectionsAreClosed) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  options.header_timeout = std::chrono::seconds(1);
  StartServer(options);
  TestClient idle(server_->port());
  EXPECT_EQ(idle.Roundtrip(Get("/hello")).body(), "hello");
  TestClient slow(server_->port());
  slow.Send("GET /hello HTTP/1.1\r\n");  // never finishes its head
  EXPECT_TRUE(idle.ServerClosed());
  EXPECT_TRUE(slow.ServerClosed());
}

}  // namespace
}  // namespace cadenza::http::testing
