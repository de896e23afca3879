#include "domain/search_text.h"

#include <gtest/gtest.h>

namespace cadenza {
namespace {

TEST(SearchTextTest, FoldsCaseAndDiacritics) {
  EXPECT_EQ(FoldForSearch("Beyoncé"), "beyonce");
  EXPECT_EQ(FoldForSearch("BJÖRK"), "bjork");
  EXPECT_EQ(FoldForSearch("Björk"), "bjork");
  EXPECT_EQ(FoldForSearch("Bjo\xCC\x88rk"), "bjork");  // decomposed o + combining diaeresis
  EXPECT_EQ(FoldForSearch("Straße Œuvre Łódź Ærø"), "strasse oeuvre lodz aero");
  EXPECT_EQ(FoldForSearch("Ǘ Șt"), "u st");
  EXPECT_EQ(FoldForSearch("ΆΣΤΡΑ Ελλάς"), "αστρα ελλασ");
  EXPECT_EQ(FoldForSearch("ПЁТР Чайковский"), "петр чайковский");
  EXPECT_EQ(FoldForSearch("ＡＢＣ１"), "abc1");
}

TEST(SearchTextTest, DropsApostrophesAndSplitsOnPunctuation) {
  EXPECT_EQ(FoldForSearch("Don't Stop Me Now"), "dont stop me now");
  EXPECT_EQ(FoldForSearch("Don’t"), "dont");
  EXPECT_EQ(FoldForSearch("AC/DC"), "ac dc");
  EXPECT_EQ(FoldForSearch("  \"*NEAR(a:b)^ -- OR "), "near a b or");
  EXPECT_EQ(FoldForSearch("♥ love ♥ 🎵"), "love");
  EXPECT_EQ(FoldForSearch("!!! ... ???"), "");
}

TEST(SearchTextTest, SplitsScriptsWithoutSpacesIntoCharacters) {
  EXPECT_EQ(FoldForSearch("東京の夜"), "東 京 の 夜");
  EXPECT_EQ(FoldForSearch("서울 Seoul"), "서 울 seoul");
  auto terms = SearchTerms("東京 の夜 night");
  ASSERT_EQ(terms.size(), 3U);
  EXPECT_TRUE(terms[0].per_character);
  EXPECT_EQ(terms[0].tokens, (std::vector<std::string>{"東", "京"}));
  EXPECT_EQ(terms[1].tokens, (std::vector<std::string>{"の", "夜"}));
  EXPECT_FALSE(terms[2].per_character);
  EXPECT_EQ(terms[2].tokens, (std::vector<std::string>{"night"}));
}

TEST(SearchTextTest, TreatsInvalidUtf8AsSeparators) {
  EXPECT_EQ(FoldForSearch("ab\xFF" "cd\xC3"), "ab cd");
  EXPECT_EQ(FoldForSearch("\xE6\x9D"), "");
  EXPECT_EQ(FoldForSearch("\xED\xA0\x80x"), "x");  // an encoded surrogate
  EXPECT_EQ(CodePointCount("héllo"), 5U);
}

TEST(SearchTextTest, WithinOneEditCountsCodePoints) {
  EXPECT_TRUE(WithinOneEdit("metalica", "metallica"));  // insertion
  EXPECT_TRUE(WithinOneEdit("beetles", "beatles"));     // substitution
  EXPECT_TRUE(WithinOneEdit("raidohead", "radiohead"));  // swap
  EXPECT_TRUE(WithinOneEdit("björk", "bjork"));
  EXPECT_TRUE(WithinOneEdit("same", "same"));
  EXPECT_FALSE(WithinOneEdit("metalika", "metallica"));
  EXPECT_FALSE(WithinOneEdit("abcde", "abced1"));
  EXPECT_FALSE(WithinOneEdit("blur", "blurrr"));
}

}  // namespace
}  // namespace cadenza
