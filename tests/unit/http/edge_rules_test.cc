// The pure rules behind the connection's defences: transfer deadlines, log redaction,
// framing and Host checks.
#include <gtest/gtest.h>

#include "http/log_path.h"
#include "http/request_guards.h"
#include "http/transfer_deadline.h"

namespace cadenza::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TransferDeadlineTest, TheRateBoundsTheWholeTransferAfterTheGrace) {
  const auto start = std::chrono::steady_clock::time_point{} + seconds(1000);
  const TransferDeadline deadline({seconds(300), seconds(10), 1000}, start);
  // Nothing received yet: the grace alone.
  EXPECT_EQ(deadline.For(0, start), start + seconds(10));
  // 5000 bytes earn 5 s more, however recently the last byte came.
  EXPECT_EQ(deadline.For(5000, start + seconds(14)), start + seconds(15));
  // A trickle: long past what its bytes earned, the deadline is already behind `now`.
  EXPECT_LT(deadline.For(20, start + seconds(60)), start + seconds(60));
  // A fast transfer is bounded by the idle limit from now.
  EXPECT_EQ(deadline.For(1'000'000'000, start + seconds(5)), start + seconds(305));
}

TEST(TransferDeadlineTest, ARateOfZeroLeavesOnlyTheIdleLimit) {
  const auto start = std::chrono::steady_clock::time_point{};
  const TransferDeadline deadline({seconds(60), seconds(10), 0}, start);
  EXPECT_EQ(deadline.For(0, start + seconds(500)), start + seconds(560));
}

TEST(LogPathTest, CredentialsNeverReachTheLog) {
  const std::vector<std::string> prefixes = {"/media/"};
  EXPECT_EQ(PathForLog("/media/SECRET/track/master.m3u8", {}, prefixes),
            "/media/<token>/track/master.m3u8");
  EXPECT_EQ(PathForLog("/media/SECRET", {}, prefixes), "/media/<token>");  // matches no route
  EXPECT_EQ(PathForLog("/blobs/a/b?exp=1&sig=SECRET", {}, prefixes), "/blobs/a/b");
  EXPECT_EQ(PathForLog("/x/SECRET/y", {{"token", "SECRET"}}, {}), "/x/<token>/y");
  EXPECT_EQ(PathForLog("/api/v1/tracks", {}, prefixes), "/api/v1/tracks");
  EXPECT_EQ(PathForLog("/mediafoo/SECRET", {}, prefixes), "/mediafoo/SECRET");
}

Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
  Request request;
  request.headers = std::move(headers);
  return request;
}

TEST(FramingRefusalTest, OnlyASingleChunkedCodingIsAccepted) {
  EXPECT_FALSE(FramingRefusal(WithHeaders({})));
  EXPECT_FALSE(FramingRefusal(WithHeaders({{"content-length", "5"}})));
  EXPECT_FALSE(FramingRefusal(WithHeaders({{"transfer-encoding", " Chunked "}})));
  EXPECT_EQ(FramingRefusal(WithHeaders({{"transfer-encoding", "xchunked"}}))->status, 400);
  EXPECT_EQ(FramingRefusal(WithHeaders({{"transfer-encoding", "gzip, chunked"}}))->status, 400);
  EXPECT_EQ(FramingRefusal(WithHeaders({{"transfer-encoding", "chunked"},
                                        {"transfer-encoding", "chunked"}}))->status,
            400);
  EXPECT_EQ(FramingRefusal(WithHeaders({{"transfer-encoding", "chunked"},
                                        {"content-length", "3"}}))->status,
            400);
}

TEST(HostRefusalTest, EntriesMatchHostsPortsAndDomains) {
  const std::vector<std::string> allowed = {"music.example.org", "localhost:8080", ".example.net",
                                            "[::1]"};
  const auto refused = [&](std::string host) {
    return HostRefusal(WithHeaders({{"host", std::move(host)}}), allowed).has_value();
  };
  EXPECT_FALSE(refused("music.example.org"));
  EXPECT_FALSE(refused("music.example.org:443"));
  EXPECT_FALSE(refused("localhost:8080"));
  EXPECT_TRUE(refused("localhost:9090"));
  EXPECT_FALSE(refused("a.b.example.net"));
  EXPECT_FALSE(refused("[::1]:8080"));
  EXPECT_TRUE(refused("evil.example"));
  EXPECT_TRUE(refused("notexample.net"));
  EXPECT_FALSE(HostRefusal(WithHeaders({{"host", "anything"}}), {}).has_value());
}

}  // namespace
}  // namespace cadenza::http
