// The base in front of the URLs the API hands out: configured, or the origin the client used.
#include "api/public_base.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cadenza::api {
namespace {

http::Request WithHost(std::string host) {
  http::Request request;
  request.method = "GET";
  request.headers.emplace_back("host", std::move(host));
  return request;
}

TEST(PublicBaseTest, ConfiguredBaseWinsOverHost) {
  PublicBase base("https://music.example.org/radio/");
  http::Request request = WithHost("evil.example.com");
  EXPECT_EQ(base.For(request), "https://music.example.org/radio");
  EXPECT_EQ(base.Absolute(request, "/blobs/k"), "https://music.example.org/radio/blobs/k");
}

TEST(PublicBaseTest, WithoutConfigurationFollowsTheClientsHost) {
  PublicBase base("");
  EXPECT_EQ(base.For(WithHost("localhost:8080")), "http://localhost:8080");
  EXPECT_EQ(base.For(WithHost("192.168.1.20:8080")), "http://192.168.1.20:8080");
  EXPECT_EQ(base.For(WithHost("[::1]:8080")), "http://[::1]:8080");
}

TEST(PublicBaseTest, AHostThatIsNotPlainIsNeverEchoed) {
  PublicBase base("");
  for (const std::string& host :
       std::vector<std::string>{"", "a b", "user@evil.example", "evil.example/path", "x\r\ny: z",
                                std::string(300, 'a')}) {
    EXPECT_EQ(base.For(WithHost(host)), "") << host;
  }
  EXPECT_EQ(base.For(http::Request{}), "");
  EXPECT_EQ(base.Absolute(WithHost("a b"), "/media/t"), "/media/t");
}

TEST(PublicBaseTest, RootRelativeStripsOnlyThisRequestsBase) {
  PublicBase base("");
  http::Request request = WithHost("localhost:8080");
  EXPECT_EQ(base.RootRelative(request, "http://localhost:8080/blobs/originals/x"),
            "/blobs/originals/x");
  EXPECT_EQ(base.RootRelative(request, "http://localhost:8080x/blobs/originals/x"),
            "http://localhost:8080x/blobs/originals/x");
  EXPECT_EQ(base.RootRelative(request, "http://other:8080/blobs/originals/x"),
            "http://other:8080/blobs/originals/x");
  EXPECT_EQ(base.RootRelative(request, "originals/x"), "originals/x");
}

}  // namespace
}  // namespace cadenza::api
