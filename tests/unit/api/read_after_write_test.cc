// Read-your-writes at the request layer: every served route's handler runs under a fence at
// the position its request carries (header, else cookie), and a handler that committed a Write
// answers that Write's position in a header and a cookie. A catalog whose reads never lag gets
// neither. The catalog is a fake that records what the request layer asked of it.
#include "api/read_after_write.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/route_groups.h"
#include "domain/error.h"

namespace cadenza::api {
namespace {

using std::chrono::milliseconds;

// Records fences; a handler "commits a Write" with CommitWrite. With replicas = false it
// behaves as a catalog with one copy (the port's defaults).
class FencingCatalog final : public Catalog {
 public:
  explicit FencingCatalog(bool replicas) : replicas_(replicas) {}

  void Write(const std::function<void(CatalogTransaction&)>&) override { std::abort(); }
  void Read(const std::function<void(CatalogTransaction&)>&) override { std::abort(); }
  int Migrate() override { return 0; }
  bool Healthy() override { return true; }

  std::string LastWritePosition() override { return replicas_ ? last_write_ : std::string(); }
  std::unique_ptr<ReadFence> FenceReads(std::string_view position) override {
    if (!replicas_) return nullptr;
    return std::make_unique<Fence>(*this, std::string(position));
  }

  void CommitWrite(std::string position) { last_write_ = std::move(position); }
  // The fence in force now, as a Read in a handler would see it.
  std::optional<std::string> active_fence;

 private:
  class Fence final : public ReadFence {
   public:
    Fence(FencingCatalog& catalog, std::string position)
        : catalog_(catalog), saved_write_(catalog.last_write_) {
      catalog_.active_fence = std::move(position);
      catalog_.last_write_.clear();
    }
    ~Fence() override {
      catalog_.active_fence.reset();
      catalog_.last_write_ = saved_write_;
    }

   private:
    FencingCatalog& catalog_;
    std::string saved_write_;
  };

  bool replicas_;
  std::string last_write_;
};

struct Fixture {
  explicit Fixture(bool replicas, milliseconds max_lag = milliseconds(2500))
      : catalog(replicas),
        read_after(catalog, max_lag),
        served([](const http::Request&) { return Principal{"u1", Role::kListener}; }) {}

  // POST /api/v1/playlists commits a Write at "0/5"; GET /api/v1/users/me (authenticated)
  // only reads; POST /api/v1/albums commits then fails.
  void Mount() {
    http::Router all([](const http::Request&) { return Principal{"u1", Role::kListener}; });
    all.AddPublic("POST", "/api/v1/playlists", [this](http::Request&) {
      seen_fence = catalog.active_fence;
      catalog.CommitWrite("0/5");
      return http::Response::Empty(201);
    });
    all.AddAuthenticated("GET", "/api/v1/users/me", http::Access::AnyAccount(),
                         [this](http::Request&, const Principal&) {
                           seen_fence = catalog.active_fence;
                           return http::Response::Empty(200);
                         });
    all.AddPublic("POST", "/api/v1/albums", [this](http::Request&) -> http::Response {
      catalog.CommitWrite("0/9");
      throw Error(ErrorCode::kNotFound, "gone meanwhile");
    });
    MountServedRoutes(all, ServedGroups{}, served, &read_after);
  }

  http::Response Call(std::string_view method, std::string_view path,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request request;
    request.method = std::string(method);
    request.headers = std::move(headers);
    auto match = served.Find(method, path, request);
    EXPECT_NE(match.route, nullptr);
    if (match.route->handler) return match.route->handler(request);
    return match.route->authenticated_handler(request, Principal{"u1", Role::kListener});
  }

  FencingCatalog catalog;
  ReadAfterWrite read_after;
  http::Router served;
  std::optional<std::string> seen_fence;
};

std::vector<std::string> HeaderValues(const http::Response& response, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : response.headers) {
    if (key == name) values.push_back(value);
  }
  return values;
}

TEST(ReadAfterWriteTest, AHandlerThatCommittedAWriteAnswersItsPosition) {
  Fixture f(true);
  f.Mount();
  http::Response response = f.Call("POST", "/api/v1/playlists");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(HeaderValues(response, "Cadenza-Read-After"), std::vector<std::string>{"0/5"});
  EXPECT_EQ(HeaderValues(response, "Set-Cookie"),
            std::vector<std::string>{
                "cadenza_read_after=0/5; Path=/; HttpOnly; SameSite=Strict; Max-Age=3"});
  EXPECT_EQ(f.seen_fence, "");  // fenced at nothing: the request carried no position
}

TEST(ReadAfterWriteTest, AHandlerThatOnlyReadsAnswersNoPosition) {
  Fixture f(true);
  f.Mount();
  f.catalog.CommitWrite("0/1");  // an earlier request's Write on this thread
  http::Response response = f.Call("GET", "/api/v1/users/me");
  EXPECT_TRUE(HeaderValues(response, "Cadenza-Read-After").empty());
  EXPECT_TRUE(HeaderValues(response, "Set-Cookie").empty());
}

TEST(ReadAfterWriteTest, ARequestCarryingAPositionRunsUnderAFenceAtIt) {
  Fixture f(true);
  f.Mount();
  f.Call("GET", "/api/v1/users/me", {{"cadenza-read-after", "1/A0"}});
  EXPECT_EQ(f.seen_fence, "1/A0");
  f.Call("POST", "/api/v1/playlists",
         {{"cookie", "theme=dark; cadenza_read_after=2/B0; other=1"}});
  EXPECT_EQ(f.seen_fence, "2/B0");
  // The header wins over the cookie; the fence ends with the handler.
  f.Call("GET", "/api/v1/users/me",
         {{"cookie", "cadenza_read_after=2/B0"}, {"cadenza-read-after", "3/C0"}});
  EXPECT_EQ(f.seen_fence, "3/C0");
  EXPECT_FALSE(f.catalog.active_fence.has_value());
}

TEST(ReadAfterWriteTest, AFailureAfterACommittedWriteStillAnswersThePosition) {
  Fixture f(true);
  f.Mount();
  http::Response response = f.Call("POST", "/api/v1/albums");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(HeaderValues(response, "Cadenza-Read-After"), std::vector<std::string>{"0/9"});
}

TEST(ReadAfterWriteTest, TheCookieLivesAtLeastASecond) {
  Fixture f(true, milliseconds(200));
  f.Mount();
  http::Response response = f.Call("POST", "/api/v1/playlists");
  ASSERT_EQ(HeaderValues(response, "Set-Cookie").size(), 1U);
  EXPECT_NE(HeaderValues(response, "Set-Cookie")[0].find("Max-Age=1"), std::string::npos);
}

TEST(ReadAfterWriteTest, WithoutReplicasNothingIsAddedOrFenced) {
  Fixture f(false);
  f.Mount();
  http::Response response = f.Call("POST", "/api/v1/playlists", {{"cadenza-read-after", "0/1"}});
  EXPECT_EQ(response.status, 201);
  EXPECT_TRUE(HeaderValues(response, "Cadenza-Read-After").empty());
  EXPECT_TRUE(HeaderValues(response, "Set-Cookie").empty());
  EXPECT_FALSE(f.seen_fence.has_value());
  EXPECT_THROW(f.Call("POST", "/api/v1/albums"), Error);  // handled by the server as before
}

}  // namespace
}  // namespace cadenza::api
