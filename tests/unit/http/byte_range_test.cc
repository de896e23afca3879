#include "http/byte_range.h"

#include <gtest/gtest.h>

namespace cadenza::http {
namespace {

using Outcome = ByteRangeResult::Outcome;

void ExpectRange(std::string_view header, std::int64_t size, std::int64_t first,
                 std::int64_t last) {
  SCOPED_TRACE(std::string(header));
  const ByteRangeResult result = ParseByteRange(header, size);
  ASSERT_EQ(result.outcome, Outcome::kRange) << result.detail;
  EXPECT_EQ(result.first, first);
  EXPECT_EQ(result.last, last);
  EXPECT_EQ(result.length(), last - first + 1);
  EXPECT_TRUE(result.detail.empty());
}

void ExpectOutcome(std::string_view header, std::int64_t size, Outcome outcome) {
  SCOPED_TRACE(std::string(header));
  const ByteRangeResult result = ParseByteRange(header, size);
  EXPECT_EQ(result.outcome, outcome);
  EXPECT_FALSE(result.detail.empty());
}

TEST(ByteRangeTest, FirstLast) {
  ExpectRange("bytes=0-0", 10, 0, 0);
  ExpectRange("bytes=0-9", 10, 0, 9);
  ExpectRange("bytes=2-5", 10, 2, 5);
  ExpectRange("bytes=9-9", 10, 9, 9);
}

TEST(ByteRangeTest, LastPastTheEndIsClamped) {
  ExpectRange("bytes=5-100", 10, 5, 9);
  ExpectRange("bytes=0-99999999999999999999999999", 10, 0, 9);
}

TEST(ByteRangeTest, OpenEnded) {
  ExpectRange("bytes=0-", 10, 0, 9);
  ExpectRange("bytes=7-", 10, 7, 9);
}

TEST(ByteRangeTest, Suffix) {
  ExpectRange("bytes=-1", 10, 9, 9);
  ExpectRange("bytes=-3", 10, 7, 9);
  ExpectRange("bytes=-10", 10, 0, 9);
  ExpectRange("bytes=-500", 10, 0, 9);
  ExpectRange("bytes=-99999999999999999999999999", 10, 0, 9);
}

TEST(ByteRangeTest, WhitespaceUnitCaseAndEmptyListElements) {
  ExpectRange("  bytes=1-2  ", 10, 1, 2);
  ExpectRange("Bytes=1-2", 10, 1, 2);
  ExpectRange("BYTES = 1-2", 10, 1, 2);
  ExpectRange("bytes= 3-4 ,", 10, 3, 4);
  ExpectRange("bytes=,3-4", 10, 3, 4);
}

TEST(ByteRangeTest, Unsatisfiable) {
  ExpectOutcome("bytes=10-", 10, Outcome::kUnsatisfiable);
  ExpectOutcome("bytes=10-20", 10, Outcome::kUnsatisfiable);
  ExpectOutcome("bytes=99999999999999999999999-", 10, Outcome::kUnsatisfiable);
  ExpectOutcome("bytes=-0", 10, Outcome::kUnsatisfiable);
  ExpectOutcome("bytes=0-", 0, Outcome::kUnsatisfiable);
  ExpectOutcome("bytes=-5", 0, Outcome::kUnsatisfiable);
  EXPECT_NE(ParseByteRange("bytes=10-", 10).detail.find("10 bytes"), std::string::npos);
}

TEST(ByteRangeTest, MultipleRangesAreRefused) {
  ExpectOutcome("bytes=0-1,3-4", 10, Outcome::kMultiple);
  ExpectOutcome("bytes=0-1, -2", 10, Outcome::kMultiple);
  ExpectOutcome("bytes=0-1,garbage", 10, Outcome::kMultiple);
}

TEST(ByteRangeTest, Garbage) {
  for (std::string_view header :
       {"", "bytes", "bytes=", "bytes=,", "bytes=-", "bytes=abc", "bytes=1", "bytes=1-2-3",
        "bytes=a-5", "bytes=5-a", "bytes=-a", "bytes=--5", "bytes=+1-2", "bytes=-1-2",
        "bytes=5-2", "bytes=1 -2", "bytes=0x1-2", "=0-1", "0-1", "items=0-1",
        "bytes=\xff-1", "bytes=1.5-2"}) {
    ExpectOutcome(header, 10, Outcome::kMalformed);
  }
}

TEST(ByteRangeTest, HugeSizes) {
  const std::int64_t size = std::int64_t{1} << 40;
  ExpectRange("bytes=1099511627775-", size, size - 1, size - 1);
  ExpectRange("bytes=-1099511627776", size, 0, size - 1);
  ExpectRange("bytes=9223372036854775806-9223372036854775807",
              std::numeric_limits<std::int64_t>::max(),
              std::numeric_limits<std::int64_t>::max() - 1,
              std::numeric_limits<std::int64_t>::max() - 1);
}

}  // namespace
}  // namespace cadenza::http
