#include "domain/blob_key.h"

#include <gtest/gtest.h>

namespace cadenza {
namespace {

TEST(BlobKeyTest, AcceptsPlainRelativePaths) {
  EXPECT_TRUE(IsValidBlobKey("originals/0190b6e2-7c1a-7000-8000-000000000000"));
  EXPECT_TRUE(IsValidBlobKey("a/b_c-d.e"));
}

TEST(BlobKeyTest, RefusesEverythingThatCouldEscapeTheStore) {
  using namespace std::string_view_literals;
  for (std::string_view key : {""sv, "/etc/passwd"sv, "../x"sv, "a/../../x"sv, "a/./b"sv, "a//b"sv,
                               "a/"sv, ".hidden"sv, "a\\b"sv, "a/b%2e"sv, "a\0b"sv, "a b"sv,
                               "a/.."sv, ".."sv, "."sv}) {
    EXPECT_FALSE(IsValidBlobKey(key)) << key;
  }
  EXPECT_FALSE(IsValidBlobKey(std::string(513, 'a')));
}

}  // namespace
}  // namespace cadenza
