#include "domain/ids.h"

#include <gtest/gtest.h>

namespace cadenza {
namespace {

TEST(IdsTest, UuidV7CarriesVersionVariantAndTimeOrder) {
  std::string random(10, '\xff');
  std::string a = MakeUuidV7(1700000000000, random);
  std::string b = MakeUuidV7(1700000000001, std::string(10, '\0'));
  EXPECT_TRUE(IsUuid(a)) << a;
  EXPECT_EQ(a[14], '7');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
  EXPECT_LT(a, b);  // later millisecond sorts later whatever the random bits
  EXPECT_EQ(a.substr(0, 13), "018bcfe5-6800");
}

TEST(IdsTest, IsUuidRefusesOtherShapes) {
  EXPECT_FALSE(IsUuid("018BCFE5-6800-7fff-bfff-ffffffffffff"));  // upper case
  EXPECT_FALSE(IsUuid("018bcfe568007fffbfffffffffffffff"));
  EXPECT_FALSE(IsUuid("../../../../etc/passwd/aaaaaaaaaaaaaaaa"));
}

}  // namespace
}  // namespace cadenza
