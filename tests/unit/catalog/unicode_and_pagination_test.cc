#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

using UnicodeTest = CatalogTest;
using PaginationTest = CatalogTest;

TEST_F(UnicodeTest, TextRoundTripsByteForByte) {
  const std::string emoji =
      "Night Drive \xF0\x9F\x8C\x99\xF0\x9F\x9A\x97 \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x8E\xA4";
  const std::string cjk =
      "\xE5\xA4\x9C\xE3\x81\xAE\xE9\x9F\xB3\xE6\xA5\xBD \xEC\x9D\x8C\xEC\x95\x85";
  const std::string composed = "Caf\xC3\xA9";     // é as one code point (NFC)
  const std::string decomposed = "Cafe\xCC\x81";  // e + combining acute (NFD)
  const std::string zalgo =
      "Z\xCD\x91\xCD\x97\xCC\xB5"
      "a\xCC\xB6\xCD\x9Dl\xCC\xA1g\xCC\xB7o";
  SeedAlbum();
  Write([&](CatalogTransaction& tx) {
    Artist a = MakeArtist("ar-emoji", "u1");
    a.name = emoji;
    a.bio = zalgo;
    tx.artists().Insert(a);
    Artist b = MakeArtist("ar-nfc", "u1");
    b.name = composed;
    tx.artists().Insert(b);
    Artist c = MakeArtist("ar-nfd", "u1");
    c.name = decomposed;
    tx.artists().Insert(c);
    Track t = MakeTrack("t1", "al1");
    t.title = cjk;
    tx.tracks().Insert(t);
    User u = MakeUser("u2", "\xE7\x94\xA8\xE6\x88\xB7@example.com");
    u.display_name = emoji + cjk;
    tx.users().Insert(u);
  });
  Read([&](CatalogTransaction& tx) {
    EXPECT_EQ(tx.artists().FindById("ar-emoji")->name, emoji);
    EXPECT_EQ(tx.artists().FindById("ar-emoji")->bio, zalgo);
    EXPECT_EQ(tx.artists().FindById("ar-nfc")->name, composed);  // no normalisation either way
    EXPECT_EQ(tx.artists().FindById("ar-nfd")->name, decomposed);
    EXPECT_EQ(tx.tracks().FindById("t1")->title, cjk);
    auto user = tx.users().FindByEmail("\xE7\x94\xA8\xE6\x88\xB7@EXAMPLE.com");
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->display_name, emoji + cjk);
  });
}

TEST_F(PaginationTest, WalkingAllPagesVisitsEveryRowOnce) {
  SeedAlbum();
  constexpr int kArtists = 25;
  Write([](CatalogTransaction& tx) {
    for (int i = kArtists - 1; i >= 0; --i) {  // inserted out of id order on purpose
      char id[16];
      std::snprintf(id, sizeof id, "ar-%03d", i);
      tx.artists().Insert(MakeArtist(id, "u1"));
    }
  });
  // ar1 from SeedAlbum plus 25 more.
  for (int limit : {1, 7, 13, 26, 200}) {
    std::vector<std::string> seen;
    PageRequest page{.limit = limit};
    int pages = 0;
    while (true) {
      auto result =
          catalog_->ReadValue([&](CatalogTransaction& tx) { return tx.artists().List(page); });
      ++pages;
      ASSERT_LE(result.items.size(), static_cast<std::size_t>(limit));
      for (const auto& a : result.items) seen.push_back(a.id);
      if (!result.next_after_id) break;
      EXPECT_EQ(*result.next_after_id, result.items.back().id);
      page.after_id = result.next_after_id;
      ASSERT_LT(pages, 100) << "pagination does not terminate";
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kArtists + 1)) << "limit " << limit;
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << "limit " << limit;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
    // An exact multiple ends without an empty trailing page.
    EXPECT_EQ(pages, (kArtists + 1 + limit - 1) / limit) << "limit " << limit;
  }
}

}  // namespace
}  // namespace cadenza::testing
