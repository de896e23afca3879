// Routes declare who may call them; the connection authenticates before a hook runs or a body
// is read, and hands the caller to the handler.
#include <atomic>
#include <stdexcept>
#include <any>
#include <string>

#include "domain/error.h"
#include "server_fixture.h"
#include "unit/support/error_from.h"

namespace cadenza::http::testing {
namespace {

using test_support::ErrorFrom;

// "Authorization: Test <role>" names a user of that role; anything else is refused.
class FakeAuthenticator {
 public:
  Principal operator()(const Request& head) const {
    ++calls_;
    std::string_view value = head.Header("authorization");
    if (value.empty()) throw Unauthenticated("missing bearer token");
    if (value == "Test listener") return Principal{"u-listener", Role::kListener};
    if (value == "Test artist") return Principal{"u-artist", Role::kArtist};
    if (value == "Test admin") return Principal{"u-admin", Role::kAdmin};
    throw Unauthenticated("unknown test credentials");
  }
  int calls() const { return calls_; }

 private:
  mutable std::atomic<int> calls_{0};
};

Response Hello(Request&) { return Response::Text(200, "hello"); }

Response Caller(Request&, const Principal& caller) {
  return Response::Text(200, caller.user_id + " " + std::string(RoleName(caller.role)));
}

TEST(AccessTest, DescribesEachKind) {
  EXPECT_EQ(Access::Public().Describe(), "public");
  EXPECT_EQ(Access::AnyAccount().Describe(), "authenticated");
  EXPECT_EQ(Access::RoleFor(Action::kUpload).Describe(), "role:artist");
  EXPECT_EQ(Access::RoleFor(Action::kManageUsers).Describe(), "role:admin");
  // An action every account may do asks no more than an account.
  EXPECT_EQ(Access::RoleFor(Action::kStream).Describe(), "authenticated");
  EXPECT_FALSE(Access::Public().needs_account());
  EXPECT_TRUE(Access::AnyAccount().needs_account());
  EXPECT_TRUE(Access::RoleFor(Action::kUpload).needs_account());
}

TEST(AccessTest, ChecksOnlyTheStaticRole) {
  const Principal listener{"u-listener", Role::kListener};
  const Principal artist{"u-artist", Role::kArtist};
  EXPECT_NO_THROW(Access::AnyAccount().CheckRole(listener));
  EXPECT_NO_THROW(Access::RoleFor(Action::kModifyCatalog).CheckRole(artist));
  try {
    Access::RoleFor(Action::kCreateCatalog).CheckRole(listener);
    FAIL() << "a listener may not create catalogue entries";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
    EXPECT_STREQ(error.what(), "not allowed to create catalogue entries (artist accounts only)");
  }
}

TEST(RouterAccessTest, EveryRouteRecordsItsAccess) {
  FakeAuthenticator authenticator;
  Router router([&](const Request& head) { return authenticator(head); });
  router.AddPublic("GET", "/open", Hello);
  router.AddAuthenticated("GET", "/mine", Access::AnyAccount(), Caller);
  router.AddAuthenticated("POST", "/upload", Access::RoleFor(Action::kUpload), Caller);
  ASSERT_EQ(router.routes().size(), 3u);
  EXPECT_EQ(router.routes()[0].access.Describe(), "public");
  EXPECT_EQ(router.routes()[1].access.Describe(), "authenticated");
  EXPECT_EQ(router.routes()[2].access.Describe(), "role:artist");
  EXPECT_EQ(authenticator.calls(), 0);
}

TEST(RouterAccessTest, AnAuthenticatedRouteNeedsAnAuthenticatorAndAnAccountAccess) {
  Router without;
  EXPECT_THROW(without.AddAuthenticated("GET", "/mine", Access::AnyAccount(), Caller),
               std::logic_error);
  Router with([](const Request&) { return Principal{"u", Role::kListener}; });
  EXPECT_THROW(with.AddAuthenticated("GET", "/mine", Access::Public(), Caller),
               std::invalid_argument);
  EXPECT_THROW(with.AddAuthenticated("GET", "no-slash", Access::AnyAccount(), Caller),
               std::invalid_argument);
  EXPECT_TRUE(without.routes().empty());
  EXPECT_TRUE(with.routes().empty());
}

TEST(RouterAccessTest, AuthenticateRunsTheAuthenticatorThenTheRoleCheck) {
  FakeAuthenticator authenticator;
  Router router([&](const Request& head) { return authenticator(head); });
  router.AddAuthenticated("POST", "/upload", Access::RoleFor(Action::kUpload), Caller);
  const Route& route = router.routes().front();

  Request anonymous;
  EXPECT_EQ(ErrorFrom([&] { router.Authenticate(route, anonymous); }).code(),
            ErrorCode::kUnauthenticated);
  Request listener;
  listener.headers.emplace_back("authorization", "Test listener");
  EXPECT_EQ(ErrorFrom([&] { router.Authenticate(route, listener); }).code(),
            ErrorCode::kPermissionDenied);
  Request artist;
  artist.headers.emplace_back("authorization", "Test artist");
  EXPECT_EQ(router.Authenticate(route, artist).user_id, "u-artist");
  EXPECT_EQ(authenticator.calls(), 3);
}

// A real server with one route of each kind; every hook and handler counts its calls.
class RouteAccessServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router =
        std::make_shared<Router>([this](const Request& head) { return authenticator_(head); });
    router->AddPublic("GET", "/open", [this](Request& request) {
      ++handler_calls_;
      return Response::Text(200, "open " + std::string(request.Header("authorization")));
    });
    RouteOptions options;
    options.max_body_bytes = 1 << 20;
    options.before_body = [this](const Request&, std::int64_t&) {
      ++before_body_calls_;
      return std::any();
    };
    router->AddAuthenticated("GET", "/mine", Access::AnyAccount(),
                             [this](Request& request, const Principal& caller) {
                               ++handler_calls_;
                               return Caller(request, caller);
                             });
    router->AddAuthenticated(
        "POST", "/upload", Access::RoleFor(Action::kUpload),
        [this](Request& request, const Principal& caller) {
          ++handler_calls_;
          return Response::Text(200, caller.user_id + " sent " + request.body);
        },
        options);
    ServerOptions server_options;
    server_options.port = 0;
    server_options.worker_threads = 2;
    server_ = std::make_unique<Server>(server_options, router);
    server_->Start();
  }
  void TearDown() override { server_->Stop(); }

  FakeAuthenticator authenticator_;
  std::atomic<int> before_body_calls_{0};
  std::atomic<int> handler_calls_{0};
  std::unique_ptr<Server> server_;
};

TEST_F(RouteAccessServerTest, TheHandlerGetsTheAuthenticatedCaller) {
  TestClient client(server_->port());
  StringResponse mine = client.Roundtrip(Get("/mine", "Authorization: Test listener\r\n"));
  EXPECT_EQ(mine.result_int(), 200);
  EXPECT_EQ(mine.body(), "u-listener listener");
  StringResponse upload = client.Roundtrip(
      "POST /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Test artist\r\nContent-Length: 3\r\n"
      "\r\nabc");
  EXPECT_EQ(upload.result_int(), 200);
  EXPECT_EQ(upload.body(), "u-artist sent abc");
  EXPECT_EQ(before_body_calls_, 1);
  EXPECT_EQ(handler_calls_, 2);
}

TEST_F(RouteAccessServerTest, NoCredentialsIs401WithAChallengeAndKeepsTheConnection) {
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Get("/mine"));
  EXPECT_EQ(response.result_int(), 401);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(response[bhttp::field::www_authenticate], "Bearer");
  EXPECT_EQ(JsonBody(response).at("detail").as_string(), "missing bearer token");
  EXPECT_TRUE(response.keep_alive());  // no body was left unread
  EXPECT_EQ(client.Roundtrip(Get("/mine", "Authorization: Test admin\r\n")).body(),
            "u-admin admin");
  EXPECT_EQ(handler_calls_, 1);
}

TEST_F(RouteAccessServerTest, AnUnauthenticatedBodyIsNeverRead) {
  TestClient client(server_->port());
  // Only the head is sent: the answer cannot wait for the body it announces.
  StringResponse response =
      client.Roundtrip("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 500000\r\n\r\n");
  EXPECT_EQ(response.result_int(), 401);
  EXPECT_EQ(response[bhttp::field::www_authenticate], "Bearer");
  EXPECT_FALSE(response.keep_alive());  // the unread body is still on the wire
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_EQ(before_body_calls_, 0);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(RouteAccessServerTest, AWrongRoleIs403BeforeTheBody) {
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(
      "POST /upload HTTP/1.1\r\nHost: t\r\nAuthorization: Test listener\r\n"
      "Content-Length: 500000\r\n\r\n");
  EXPECT_EQ(response.result_int(), 403);
  EXPECT_EQ(JsonBody(response).at("detail").as_string(),
            "not allowed to upload audio (artist accounts only)");
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_EQ(before_body_calls_, 0);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(RouteAccessServerTest, HeadIsAuthenticatedLikeGet) {
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip("HEAD /mine HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_EQ(response.result_int(), 401);
  EXPECT_EQ(handler_calls_, 0);
}

TEST_F(RouteAccessServerTest, PublicRoutesNeverConsultTheAuthenticator) {
  TestClient client(server_->port());
  StringResponse response = client.Roundtrip(Get("/open", "Authorization: garbage\r\n"));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "open garbage");
  EXPECT_EQ(authenticator_.calls(), 0);
}

}  // namespace
}  // namespace cadenza::http::testing
