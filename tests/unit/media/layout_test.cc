#include "media/layout.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "media/media_time.h"

namespace cadenza {
namespace {

TEST(MediaLayoutTest, SegmentNamesHaveFiveDigits) {
  EXPECT_EQ(SegmentFileName(0), "seg-00000.m4s");
  EXPECT_EQ(SegmentFileName(42), "seg-00042.m4s");
  EXPECT_EQ(SegmentFileName(99999), "seg-99999.m4s");
  EXPECT_THROW(SegmentFileName(-1), std::out_of_range);
  EXPECT_THROW(SegmentFileName(100000), std::out_of_range);
}

TEST(MediaLayoutTest, ParsesOnlyTheCanonicalSegmentName) {
  EXPECT_EQ(ParseSegmentFileName("seg-00000.m4s"), 0);
  EXPECT_EQ(ParseSegmentFileName("seg-00042.m4s"), 42);
  EXPECT_EQ(ParseSegmentFileName("seg-99999.m4s"), 99999);
  for (std::string_view bad : {"seg-42.m4s", "seg-000042.m4s", "seg--0042.m4s", "seg-+0042.m4s",
                               "seg-00042.mp4", "SEG-00042.m4s", "seg-0004a.m4s", "",
                               "seg-00042.m4s/", "../seg-00042.m4s", "seg- 0042.m4s"}) {
    EXPECT_FALSE(ParseSegmentFileName(bad)) << bad;
  }
}

TEST(MediaLayoutTest, ProgressiveFilesAreNamedAfterTheRendition) {
  EXPECT_EQ(ProgressiveFileName({Codec::kMp3, 96}), "mp3_96.mp3");
  EXPECT_EQ(ProgressiveFileName({Codec::kMp3, 320}), "mp3_320.mp3");
}

TEST(MediaTimeTest, FormatsSecondsToTheMicrosecond) {
  EXPECT_EQ(FormatSeconds(287744, 48000), "5.994667");
  EXPECT_EQ(FormatSeconds(288000, 48000), "6.000000");
  EXPECT_EQ(FormatSeconds(100352, 48000), "2.090667");
  EXPECT_EQ(FormatSeconds(264600, 44100), "6.000000");
  EXPECT_EQ(FormatSeconds(1, 48000), "0.000021");
  EXPECT_EQ(FormatSeconds(0, 48000), "0.000000");
  // Two hours at 192 kHz does not overflow.
  EXPECT_EQ(FormatSeconds(7200LL * 192000 + 96, 192000), "7200.000500");
  EXPECT_THROW(FormatSeconds(1, 0), std::invalid_argument);
  EXPECT_THROW(FormatSeconds(-1, 48000), std::invalid_argument);
}

TEST(MediaTimeTest, CeilsToWholeSeconds) {
  EXPECT_EQ(CeilSeconds(287744, 48000), 6);
  EXPECT_EQ(CeilSeconds(288000, 48000), 6);
  EXPECT_EQ(CeilSeconds(288001, 48000), 7);
  EXPECT_EQ(CeilSeconds(0, 48000), 0);
}

TEST(MediaTimeTest, WritesXsDurations) {
  EXPECT_EQ(XsDuration(963000, 48000), "PT20.062500S");
}

}  // namespace
}  // namespace cadenza
