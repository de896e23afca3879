// The /api/v1 helpers (authentication, JSON bodies, field rules, cursors) and the DTOs, on
// hand-built requests.
#include "api/common.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <vector>

#include "adapters/sodium/argon2id_password_hasher.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "api/dto.h"
#include "domain/error.h"
#include "ports/crypto.h"
#include "services/account_service.h"
#include "unit/support/test_fixtures.h"
#include "unit/support/error_from.h"

namespace cadenza::api {
namespace {

using test_support::ErrorFrom;

http::Request JsonRequest(std::string body, std::string content_type = "application/json") {
  http::Request request;
  request.method = "POST";
  request.headers.emplace_back("content-type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

boost::json::object Object(std::string_view json) { return boost::json::parse(json).as_object(); }

constexpr char kId[] = "0190b6e2-7c3a-7d4e-8f00-0123456789ab";

// --- BearerAuthenticator ---

class AuthenticateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = OpenSqliteCatalog(dir_ / "catalog.db");
    catalog_->Migrate();
    accounts_ = std::make_unique<AccountService>(*catalog_, hasher_, tokens_, ids_, clock_);
  }
  void TearDown() override {
    accounts_.reset();
    catalog_.reset();
  }

  http::Request WithAuthorization(std::string value) {
    http::Request request;
    request.headers.emplace_back("authorization", std::move(value));
    return request;
  }

  test_support::TempDir temp_;
  const std::filesystem::path dir_ = temp_.path();
  SystemClock clock_;
  IdGenerator ids_{clock_};
  Argon2idPasswordHasher hasher_{Argon2idLimits::Minimum()};
  TokenService tokens_{std::string(40, 'k'), TokenOptions{}, clock_};
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(AuthenticateTest, AcceptsABearerTokenWhateverTheSchemeCase) {
  AuthResult user = accounts_->Register("ada@example.com", "long enough", "Ada", Role::kArtist);
  for (std::string scheme : {"Bearer ", "bearer ", "BEARER  "}) {
    Principal who = BearerAuthenticator(*accounts_)(WithAuthorization(scheme + user.token.token));
    EXPECT_EQ(who.user_id, user.user.id) << scheme;
    EXPECT_EQ(who.role, Role::kArtist);
  }
}

TEST_F(AuthenticateTest, RefusesMissingOrMalformedCredentials) {
  http::Authenticator authenticate = BearerAuthenticator(*accounts_);
  Error missing = ErrorFrom([&] { authenticate(http::Request{}); });
  EXPECT_EQ(missing.code(), ErrorCode::kUnauthenticated);
  EXPECT_STREQ(missing.what(), "missing bearer token");

  AuthResult user = accounts_->Register("ada@example.com", "long enough", "Ada", Role::kListener);
  for (const std::string& value :
       std::vector<std::string>{"Basic " + user.token.token, "Bearer", "Bearer ", user.token.token,
                                "Bearer a b", "Bearer not.a.token"}) {
    EXPECT_EQ(ErrorFrom([&] { authenticate(WithAuthorization(value)); }).code(),
              ErrorCode::kUnauthenticated)
        << value;
  }
}

// --- ParseJsonObject ---

TEST(ParseJsonObjectTest, AcceptsAJsonObject) {
  EXPECT_EQ(ParseJsonObject(JsonRequest(R"({"a": 1})")).at("a").as_int64(), 1);
  EXPECT_NO_THROW(ParseJsonObject(JsonRequest("{}", "Application/JSON; charset=utf-8")));
}

TEST(ParseJsonObjectTest, RefusesOtherMediaTypes) {
  for (std::string type :
       {"", "text/plain", "application/jsonx", "application/x-www-form-urlencoded"}) {
    EXPECT_EQ(ErrorFrom([&] { ParseJsonObject(JsonRequest("{}", type)); }).code(),
              ErrorCode::kUnsupportedMedia)
        << type;
  }
}

TEST(ParseJsonObjectTest, RefusesInvalidJsonAndNonObjects) {
  for (const std::string& body :
       std::vector<std::string>{"", "{", "[1, 2]", "\"text\"", "null", "{\"a\": 1} trailing",
                                std::string("{\"a\": \"\xC3\x28\"}")}) {
    Error e = ErrorFrom([&] { ParseJsonObject(JsonRequest(body)); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << body;
  }
}

// --- Field rules ---

TEST(RequiredTextTest, TrimsAndReturnsTheText) {
  EXPECT_EQ(RequiredText(Object(R"({"title": "  Blue Train \t"})"), "title"), "Blue Train");
}

TEST(RequiredTextTest, NamesTheFieldAndTheExpectedType) {
  Error missing = ErrorFrom([] { RequiredText(Object("{}"), "title"); });
  EXPECT_EQ(missing.field(), "title");
  EXPECT_STREQ(missing.what(), "title is required");

  Error number = ErrorFrom([] { RequiredText(Object(R"({"title": 5})"), "title"); });
  EXPECT_EQ(number.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(number.field(), "title");
  EXPECT_STREQ(number.what(), "title must be a string");

  EXPECT_STREQ(ErrorFrom([] { RequiredText(Object(R"({"title": ["x"]})"), "title"); }).what(),
               "title must be a string");
  EXPECT_EQ(ErrorFrom([] { RequiredText(Object(R"({"title": "   "})"), "title"); }).field(),
            "title");
}

TEST(RequiredTextTest, CountsCodePointsNotBytes) {
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "\xE2\x99\xAB";  // U+266B, three bytes each
  boost::json::object body{{"name", two_hundred}};
  EXPECT_EQ(RequiredText(body, "name", TextLimits{1, 200}), two_hundred);
  body["name"] = two_hundred + "x";
  Error e = ErrorFrom([&] { RequiredText(body, "name", TextLimits{1, 200}); });
  EXPECT_EQ(e.field(), "name");
  EXPECT_NE(std::string(e.what()).find("200"), std::string::npos) << e.what();
  body["name"] = "\xF0\x9F\x8E\xB5";  // one emoji, four bytes
  EXPECT_NO_THROW(RequiredText(body, "name", TextLimits{1, 1}));
}

TEST(RequiredTextTest, RefusesControlCharactersAndUnwantedNewlines) {
  boost::json::object body{{"bio", "first line\nsecond line"}};
  EXPECT_EQ(ErrorFrom([&] { RequiredText(body, "bio"); }).field(), "bio");
  EXPECT_EQ(RequiredText(body, "bio", TextLimits{0, 100, true}), "first line\nsecond line");
  for (std::string bad : {"nul\x01here", "bell\a", "esc\x1b[0m", "del\x7f", "c1\xC2\x85"}) {
    body["bio"] = bad;
    EXPECT_EQ(ErrorFrom([&] {
                RequiredText(body, "bio", TextLimits{0, 100, true});
              }).field(),
              "bio")
        << bad;
  }
}

TEST(OptionalTextTest, AbsentNullAndPresent) {
  EXPECT_FALSE(OptionalText(Object("{}"), "bio"));
  EXPECT_EQ(OptionalText(Object(R"({"bio": " x "})"), "bio"), "x");
  EXPECT_EQ(OptionalText(Object(R"({"bio": null})"), "bio", TextLimits{0, 10}, true), "");
  Error refused = ErrorFrom([] { OptionalText(Object(R"({"bio": null})"), "bio"); });
  EXPECT_EQ(refused.field(), "bio");
  EXPECT_STREQ(refused.what(), "bio must be a string");
  EXPECT_EQ(ErrorFrom([] {
              OptionalText(Object(R"({"bio": true})"), "bio", TextLimits{0, 10}, true);
            }).field(),
            "bio");
}

TEST(OptionalIntTest, AcceptsIntegersInRange) {
  EXPECT_FALSE(OptionalInt(Object("{}"), "n", 0, 10));
  EXPECT_EQ(OptionalInt(Object(R"({"n": 7})"), "n", 0, 10), 7);
  EXPECT_EQ(OptionalInt(Object(R"({"n": 0})"), "n", 0, 10), 0);
  for (std::string json : {R"({"n": 11})", R"({"n": -1})", R"({"n": 18446744073709551615})"}) {
    Error e = ErrorFrom([&] { OptionalInt(Object(json), "n", 0, 10); });
    EXPECT_EQ(e.field(), "n") << json;
    EXPECT_STREQ(e.what(), "n must be an integer from 0 to 10");
  }
  for (std::string json : {R"({"n": 1.5})", R"({"n": "3"})", R"({"n": null})", R"({"n": true})"}) {
    Error e = ErrorFrom([&] { OptionalInt(Object(json), "n", 0, 10); });
    EXPECT_EQ(e.field(), "n") << json;
    EXPECT_STREQ(e.what(), "n must be an integer");
  }
}

TEST(OptionalBoolTest, AcceptsOnlyBooleans) {
  EXPECT_FALSE(OptionalBool(Object("{}"), "public"));
  EXPECT_EQ(OptionalBool(Object(R"({"public": true})"), "public"), true);
  EXPECT_EQ(OptionalBool(Object(R"({"public": false})"), "public"), false);
  for (std::string json : {R"({"public": "true"})", R"({"public": 1})", R"({"public": null})"}) {
    EXPECT_EQ(ErrorFrom([&] { OptionalBool(Object(json), "public"); }).field(), "public") << json;
  }
}

TEST(RequiredIdTest, AcceptsOnlyCanonicalIds) {
  EXPECT_EQ(RequiredId(Object(std::string(R"({"albumId": ")") + kId + "\"}"), "albumId"), kId);
  for (std::string json : {"{}", R"({"albumId": 3})", R"({"albumId": "abc"})",
                           R"({"albumId": "0190B6E2-7C3A-7D4E-8F00-0123456789AB"})"}) {
    Error e = ErrorFrom([&] { RequiredId(Object(json), "albumId"); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << json;
    EXPECT_EQ(e.field(), "albumId") << json;
  }
}

TEST(RejectUnknownFieldsTest, NamesTheFirstUnknownMember) {
  EXPECT_NO_THROW(RejectUnknownFields(Object(R"({"title": "x"})"), {"title", "albumId"}));
  EXPECT_NO_THROW(RejectUnknownFields(Object("{}"), {"title"}));
  Error e =
      ErrorFrom([] { RejectUnknownFields(Object(R"({"title": "x", "tittle": "y"})"), {"title"}); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "tittle");
  EXPECT_NE(std::string(e.what()).find("tittle"), std::string::npos);
}

TEST(PathIdTest, NonIdsAreNotFound) {
  http::Request request;
  request.path_params["id"] = kId;
  EXPECT_EQ(PathId(request), kId);
  request.path_params["id"] = "42";
  EXPECT_EQ(ErrorFrom([&] { PathId(request); }).code(), ErrorCode::kNotFound);
  request.path_params["playlistId"] = kId;
  EXPECT_EQ(PathId(request, "playlistId"), kId);
}

// --- Pages and cursors ---

http::Request WithQuery(std::initializer_list<std::pair<const char*, std::string>> params) {
  http::Request request;
  for (const auto& [name, value] : params) request.query.emplace(name, value);
  return request;
}

TEST(ParsePageTest, DefaultsAndLimits) {
  PageRequest page = ParsePage(http::Request{});
  EXPECT_EQ(page.limit, 50);
  EXPECT_FALSE(page.after_id);
  EXPECT_EQ(ParsePage(WithQuery({{"limit", "1"}})).limit, 1);
  EXPECT_EQ(ParsePage(WithQuery({{"limit", "200"}})).limit, 200);
  for (std::string limit : {"0", "201", "-5", "abc", "5x", "", "1.5", "99999999999999999999"}) {
    Error e = ErrorFrom([&] { ParsePage(WithQuery({{"limit", limit}})); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << limit;
    EXPECT_EQ(e.field(), "limit") << limit;
  }
}

TEST(ParsePageTest, CursorsRoundTrip) {
  std::string cursor = EncodeCursor(kId);
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  PageRequest page = ParsePage(WithQuery({{"cursor", cursor}, {"limit", "10"}}));
  EXPECT_EQ(page.after_id, kId);
  EXPECT_EQ(page.limit, 10);
}

TEST(ParsePageTest, RefusesCursorsThatAreNotIds) {
  for (const std::string& cursor : std::vector<std::string>{
           "!!!", "", crypto::Base64UrlEncode("not an id"), std::string(kId)}) {
    Error e = ErrorFrom([&] { ParsePage(WithQuery({{"cursor", cursor}})); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << cursor;
    EXPECT_EQ(e.field(), "cursor") << cursor;
  }
}

TEST(PageBodyTest, ItemsAndNextCursor) {
  boost::json::object last = PageBody(boost::json::array{1, 2}, std::nullopt);
  EXPECT_EQ(boost::json::serialize(last), R"({"items":[1,2],"nextCursor":null})");
  boost::json::object more = PageBody(boost::json::array{}, std::string(kId));
  EXPECT_EQ(more.at("nextCursor").as_string(), EncodeCursor(kId));
  EXPECT_EQ(
      ParsePage(WithQuery({{"cursor", std::string(more.at("nextCursor").as_string())}})).after_id,
      kId);
}

// --- DTOs ---

TEST(DtoTest, UserNeverCarriesThePasswordHash) {
  User user;
  user.id = kId;
  user.email = "ada@example.com";
  user.password_hash = "$argon2id$secret";
  user.display_name = "Ada";
  user.role = Role::kArtist;
  user.created_at = 0;
  user.updated_at = 1500;
  EXPECT_EQ(
      boost::json::serialize(ToJson(user)),
      std::string(R"({"id":")") + kId +
          R"(","email":"ada@example.com","displayName":"Ada","role":"artist",)"
          R"("createdAt":"1970-01-01T00:00:00.000Z","updatedAt":"1970-01-01T00:00:01.500Z"})");
}

TEST(DtoTest, CatalogueEntitiesUseCamelCaseAndNullForAbsentValues) {
  Artist artist{kId, "owner", "Band", std::nullopt, 0, 0};
  boost::json::object a = ToJson(artist);
  EXPECT_EQ(a.at("ownerId").as_string(), "owner");
  EXPECT_TRUE(a.at("bio").is_null());

  Album album{kId, "artist", "Title", "2024-02-29", 0, 0};
  boost::json::object b = ToJson(album);
  EXPECT_EQ(b.at("artistId").as_string(), "artist");
  EXPECT_EQ(b.at("releaseDate").as_string(), "2024-02-29");

  Track track;
  track.id = kId;
  track.album_id = "album";
  track.title = "Song";
  track.blob_key = "originals/x.flac";
  track.blob_size = 4096;
  boost::json::object t = ToJson(track);
  EXPECT_EQ(t.at("albumId").as_string(), "album");
  EXPECT_TRUE(t.at("trackNumber").is_null());
  EXPECT_EQ(t.at("sizeBytes").as_int64(), 4096);
  EXPECT_FALSE(t.contains("blobKey"));
  track.track_number = 3;
  EXPECT_EQ(ToJson(track).at("trackNumber").as_int64(), 3);

  Playlist playlist{kId, "owner", "Mix", "About", true, 0, 0};
  boost::json::object p = ToJson(playlist);
  EXPECT_EQ(p.at("public").as_bool(), true);
  EXPECT_EQ(p.at("description").as_string(), "About");
  EXPECT_EQ(p.at("ownerId").as_string(), "owner");
  EXPECT_EQ(p.size(), 7u);
}

}  // namespace
}  // namespace cadenza::api
