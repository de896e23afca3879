#include "http/content_negotiation.h"

#include <gtest/gtest.h>

namespace cadenza::http {
namespace {

constexpr auto kBrotli = ContentCoding::kBrotli;
constexpr auto kGzip = ContentCoding::kGzip;
constexpr auto kIdentity = ContentCoding::kIdentity;

// Negotiates for a file that has both compressed variants.
ContentCoding Pick(std::optional<std::string_view> header) {
  return NegotiateCoding(header, true, true);
}

TEST(ContentTypeTest, KnownExtensionsCaseInsensitively) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/index-1a2b.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/index-1a2b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("data.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("assets/index.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("LOGO.PNG"), "image/png");
  EXPECT_EQ(ContentTypeFor("a/b.jpg"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("a.webp"), "image/webp");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("assets/font-9f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("assets/decoder.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("site.webmanifest"), "application/manifest+json");
}

TEST(ContentTypeTest, UnknownOrMissingExtensionIsOctetStream) {
  EXPECT_EQ(ContentTypeFor("LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a.unknown"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("dir.js/file"), "application/octet-stream");
}

TEST(NegotiateCodingTest, NoHeaderOrEmptyHeaderGetsIdentity) {
  EXPECT_EQ(Pick(std::nullopt), kIdentity);
  EXPECT_EQ(Pick(""), kIdentity);
  EXPECT_EQ(Pick(" , "), kIdentity);
}

TEST(NegotiateCodingTest, BrotliBeatsGzipBeatsIdentityAtEqualWeight) {
  EXPECT_EQ(Pick("gzip, deflate, br, zstd"), kBrotli);
  EXPECT_EQ(Pick("gzip, deflate"), kGzip);
  EXPECT_EQ(Pick("deflate"), kIdentity);
  EXPECT_EQ(Pick("gzip;q=0.5, br;q=0.5"), kBrotli);
}

TEST(NegotiateCodingTest, HigherQValueWins) {
  EXPECT_EQ(Pick("br;q=0.5, gzip"), kGzip);
  EXPECT_EQ(Pick("br;q=0.8, gzip;q=0.9"), kGzip);
  EXPECT_EQ(Pick("br;q=0.8, identity;q=0.9"), kIdentity);
  EXPECT_EQ(Pick("gzip;q=0.001"), kGzip);  // unlisted, identity ranks last
  EXPECT_EQ(Pick("gzip;q=0.001, identity;q=0"), kGzip);
}

TEST(NegotiateCodingTest, QZeroRefuses) {
  EXPECT_EQ(Pick("br;q=0, gzip"), kGzip);
  EXPECT_EQ(Pick("br;q=0.000, gzip;q=0"), kIdentity);
  EXPECT_EQ(Pick("*;q=0, gzip"), kGzip);
}

TEST(NegotiateCodingTest, StarCoversUnlistedCodings) {
  EXPECT_EQ(Pick("*"), kBrotli);
  EXPECT_EQ(Pick("br;q=0, *"), kGzip);
  EXPECT_EQ(Pick("*;q=0.5, identity"), kIdentity);
}

TEST(NegotiateCodingTest, NothingAcceptableFallsBackToIdentity) {
  EXPECT_EQ(Pick("identity;q=0"), kIdentity);
  EXPECT_EQ(Pick("*;q=0"), kIdentity);
  EXPECT_EQ(NegotiateCoding("br, identity;q=0", false, false), kIdentity);
}

TEST(NegotiateCodingTest, OnlyVariantsTheFileHasAreChosen) {
  EXPECT_EQ(NegotiateCoding("br, gzip", false, false), kIdentity);
  EXPECT_EQ(NegotiateCoding("br, gzip", true, false), kGzip);
  EXPECT_EQ(NegotiateCoding("br;q=0.1", false, true), kBrotli);
  EXPECT_EQ(NegotiateCoding("br;q=0.1, identity", false, true), kIdentity);
}

TEST(NegotiateCodingTest, SpellingVariants) {
  EXPECT_EQ(Pick("BR;Q=1"), kBrotli);
  EXPECT_EQ(Pick("x-gzip"), kGzip);
  EXPECT_EQ(Pick("  br ; q=1.000 ,gzip"), kBrotli);
  EXPECT_EQ(Pick("br;level=5;q=0"), kIdentity);  // other parameters do not hide q
}

TEST(NegotiateCodingTest, MalformedWeightsAreIgnored) {
  EXPECT_EQ(Pick("br;q=1.5"), kIdentity);
  EXPECT_EQ(Pick("br;q=0.5000, gzip;q=abc"), kIdentity);
  EXPECT_EQ(Pick("br;q=, gzip"), kGzip);
  EXPECT_EQ(Pick("br;q=-1, gzip;q=0.2"), kGzip);
}

TEST(NegotiateCodingTest, TheFirstMentionOfACodingCounts) {
  EXPECT_EQ(Pick("br;q=0, br"), kIdentity);
  EXPECT_EQ(Pick("br, br;q=0"), kBrotli);
}

}  // namespace
}  // namespace cadenza::http
