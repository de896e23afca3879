// Request bodies over a real socket: limits, 100-continue, spooling to disk.
#include "server_fixture.h"

namespace cadenza::http::testing {
namespace {

std::string Put(std::string_view path, std::string_view body, std::string_view extra = "") {
  return "PUT " + std::string(path) + " HTTP/1.1\r\nHost: t\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

std::string Chunked(std::string_view body, std::size_t piece) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); i += piece) {
    const auto part = body.substr(i, piece);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    out += size;
    out += part;
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST_F(ServerTest, SmallBodyReachesTheHandler) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "abcde");
  StringResponse chunked = client.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      Chunked("hello chunked world", 4));
  EXPECT_EQ(chunked.body(), "hello chunked world");
}

TEST_F(ServerTest, TooLargeContentLengthIs413WithoutReadingTheBody) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response =
      client.Roundtrip("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(std::string(JsonBody(response).at("detail").as_string()).find("1024"),
            std::string::npos);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, TooLargeChunkedBodyIs413) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      Chunked(std::string(2000, 'x'), 500));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, BeforeBodyMayLowerTheLimitOrRefuseAndHandsItsResultOn) {
  StartServer();
  {
    TestClient client(server_->port());
    StringResponse admitted = client.Roundtrip(Put("/limited", "0123456789"));
    EXPECT_EQ(admitted.body(), "0123456789");
    EXPECT_EQ(admitted["X-Admission"], "checked before the body");
    EXPECT_EQ(client.Roundtrip(Put("/limited", "0123456789A")).result_int(), 413);
  }
  TestClient client(server_->port());
  StringResponse denied = client.Roundtrip(Put("/limited", "x", "X-Deny: 1\r\n"));
  EXPECT_EQ(denied.result_int(), 403);
  EXPECT_EQ(JsonBody(denied).at("detail"), "upload signature is invalid");
}

TEST_F(ServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  StartServer();
  TestClient client(server_->port());
  client.Send(
      "PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  StringResponse interim = client.Read();
  EXPECT_EQ(interim.result_int(), 100);
  client.Send("12345");
  StringResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(JsonBody(response).at("size"), 5);
  std::lock_guard lock(seen_mutex_);
  EXPECT_EQ(seen_body_, "12345");
}

TEST_F(ServerTest, ExpectContinueIsNotSentWhenTheRequestIsRefused) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "PUT /limited HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(response.result_int(), 413);
}

TEST_F(ServerTest, SpooledBodyArrivesInAFileThatIsDeletedAfterwards) {
  StartServer();
  TestClient client(server_->port());
  const std::string body = PatternBytes(700 * 1024 + 3);
  StringResponse response = client.Roundtrip(Put("/upload", body));
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(JsonBody(response).at("size"), static_cast<std::int64_t>(body.size()));
  std::lock_guard lock(seen_mutex_);
  EXPECT_EQ(seen_size_, static_cast<std::int64_t>(body.size()));
  EXPECT_TRUE(seen_body_ == body);
  EXPECT_EQ(seen_file_.parent_path(), spool_dir_);
  EXPECT_FALSE(std::filesystem::exists(seen_file_));
  EXPECT_EQ(CountFiles(spool_dir_), 0u);
}

TEST_F(ServerTest, SpooledChunkedBodyArrivesWhole) {
  StartServer();
  TestClient client(server_->port());
  const std::string body = PatternBytes(300 * 1024);
  StringResponse response = client.Roundtrip(
      "PUT /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      Chunked(body, 70000));
  ASSERT_EQ(response.result_int(), 200);
  std::lock_guard lock(seen_mutex_);
  EXPECT_TRUE(seen_body_ == body);
  EXPECT_EQ(CountFiles(spool_dir_), 0u);
}

TEST_F(ServerTest, SpooledFileIsDeletedWhenTheHandlerThrows) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Put("/upload", "abc", "X-Fail: domain\r\n"));
  EXPECT_EQ(response.result_int(), 409);
  EXPECT_EQ(CountFiles(spool_dir_), 0u);
}

TEST_F(ServerTest, SpooledFileTakenByTheHandlerIsKept) {
  StartServer();
  TestClient client(server_->port());
  const std::string body = PatternBytes(1000);
  StringResponse response = client.Roundtrip(Put("/upload-keep", body));
  EXPECT_EQ(response.result_int(), 201);
  EXPECT_EQ(response[bhttp::field::content_length], "0");
  EXPECT_TRUE(ReadFile(kept_dir_ / "kept.bin") == body);
  EXPECT_EQ(CountFiles(spool_dir_), 0u);
}

TEST_F(ServerTest, SpooledBodyOverTheLimitIs413AndLeavesNoFile) {
  StartServer();
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 9999999999\r\n\r\n");
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(upload_calls_, 0);
  EXPECT_EQ(CountFiles(spool_dir_), 0u);
}

TEST_F(ServerTest, DisconnectMidBodyDeletesThePartialFile) {
  StartServer();
  {
    TestClient client(server_->port());
    client.Send("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n");
    client.Send(PatternBytes(600 * 1024));
    ASSERT_TRUE(Eventually([&] { return CountFiles(spool_dir_) == 1; }));
    client.Close();
  }
  EXPECT_TRUE(Eventually([&] { return CountFiles(spool_dir_) == 0; }));
  EXPECT_EQ(upload_calls_, 0);
  // The server is still serving.
  TestClient client(server_->port());
  EXPECT_EQ(client.Roundtrip(Get("/hello")).body(), "hello");
}

}  // namespace
}  // namespace cadenza::http::testing
