#include "media/hls.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "unit/media/sample_renditions.h"

namespace cadenza {
namespace {

using media_testing::AacDurations;
using media_testing::Cmaf;
using media_testing::OpusDurations;
using media_testing::ShuffledRenditions;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(HlsMasterPlaylistTest, ListsAacThenOpusVariantsByBandwidth) {
  EXPECT_EQ(HlsMasterPlaylist(ShuffledRenditions()),
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=101500,AVERAGE-BANDWIDTH=98250,CODECS=\"mp4a.40.2\"\n"
            "aac_96/playlist.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=168800,AVERAGE-BANDWIDTH=162400,CODECS=\"mp4a.40.2\"\n"
            "aac_160/playlist.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=335123,AVERAGE-BANDWIDTH=324001,CODECS=\"mp4a.40.2\"\n"
            "aac_320/playlist.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=104000,AVERAGE-BANDWIDTH=97000,CODECS=\"opus\"\n"
            "opus_96/playlist.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=166000,AVERAGE-BANDWIDTH=161000,CODECS=\"opus\"\n"
            "opus_160/playlist.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=330000,AVERAGE-BANDWIDTH=321000,CODECS=\"opus\"\n"
            "opus_320/playlist.m3u8\n");
}

TEST(HlsMasterPlaylistTest, OrdersByPeakBandwidthNotByNominalBitrate) {
  // A nominal 160 kbps rendition whose segments peak above the 320 one's.
  std::vector<Rendition> renditions = {Cmaf(Codec::kAac, 160, AacDurations(), 400000, 150000),
                                       Cmaf(Codec::kAac, 320, AacDurations(), 340000, 320000)};
  std::vector<std::string> lines = Lines(HlsMasterPlaylist(renditions));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[4], "aac_320/playlist.m3u8");
  EXPECT_EQ(lines[6], "aac_160/playlist.m3u8");
}

TEST(HlsMasterPlaylistTest, LeavesOutProgressiveAndEmptyRenditions) {
  std::vector<Rendition> renditions = {media_testing::Progressive(96),
                                       Cmaf(Codec::kAac, 96, {}, 0, 0)};
  EXPECT_EQ(HlsMasterPlaylist(renditions),
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
}

TEST(HlsMasterPlaylistTest, ComputesBitratesWhenTheRowHasNone) {
  Rendition rendition = Cmaf(Codec::kAac, 96, {48000, 96000}, 0, 0);
  rendition.segments[0].size_bytes = 15000;  // 120000 bit/s
  rendition.segments[1].size_bytes = 24001;  // 96004 bit/s
  rendition.size_bytes = 600 + 15000 + 24001;
  std::vector<std::string> lines = Lines(HlsMasterPlaylist({rendition}));
  ASSERT_EQ(lines.size(), 5u);
  // Average: 39601 bytes over 3 s = 105602.67 bit/s, rounded up like every rate.
  EXPECT_EQ(lines[3], "#EXT-X-STREAM-INF:BANDWIDTH=120000,AVERAGE-BANDWIDTH=105603,"
                      "CODECS=\"mp4a.40.2\"");
}

TEST(HlsMasterPlaylistTest, NeverBreaksOutOfTheCodecsQuotes) {
  Rendition rendition = Cmaf(Codec::kAac, 96, AacDurations(), 1000, 900);
  rendition.codecs = "mp4a\"\n.40.2";
  std::vector<std::string> lines = Lines(HlsMasterPlaylist({rendition}));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3],
            "#EXT-X-STREAM-INF:BANDWIDTH=1000,AVERAGE-BANDWIDTH=900,CODECS=\"mp4a.40.2\"");
}

TEST(HlsMediaPlaylistTest, ListsEachSegmentWithItsExactDuration) {
  EXPECT_EQ(HlsMediaPlaylist(Cmaf(Codec::kAac, 160, AacDurations(), 168800, 162400)),
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-TARGETDURATION:6\n"
            "#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-MEDIA-SEQUENCE:0\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MAP:URI=\"init.mp4\"\n"
            "#EXTINF:5.994667,\n"
            "seg-00000.m4s\n"
            "#EXTINF:5.994667,\n"
            "seg-00001.m4s\n"
            "#EXTINF:5.994667,\n"
            "seg-00002.m4s\n"
            "#EXTINF:2.090667,\n"
            "seg-00003.m4s\n"
            "#EXT-X-ENDLIST\n");
}

TEST(HlsMediaPlaylistTest, OpusSegmentsOfExactlySixSeconds) {
  std::string playlist = HlsMediaPlaylist(Cmaf(Codec::kOpus, 96, OpusDurations(), 1, 1));
  EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:6\n"), std::string::npos);
  EXPECT_NE(playlist.find("#EXTINF:6.000000,\nseg-00002.m4s\n#EXTINF:2.000000,\nseg-00003.m4s\n"),
            std::string::npos);
}

TEST(HlsMediaPlaylistTest, TargetDurationRoundsTheLongestSegmentUp) {
  // 6.2 s: the target must be 7, or players would reject the playlist.
  std::string playlist = HlsMediaPlaylist(Cmaf(Codec::kAac, 96, {297600, 288000}, 1, 1));
  EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:7\n"), std::string::npos);
  EXPECT_NE(playlist.find("#EXTINF:6.200000,\n"), std::string::npos);
}

TEST(HlsMediaPlaylistTest, ExtinfsAddUpToTheRendition) {
  Rendition rendition = Cmaf(Codec::kAac, 96, AacDurations(), 1, 1);
  double total = 0;
  for (const std::string& line : Lines(HlsMediaPlaylist(rendition))) {
    if (line.starts_with("#EXTINF:")) total += std::stod(line.substr(8));
  }
  EXPECT_NEAR(total, static_cast<double>(rendition.duration) / rendition.timescale, 4e-6);
}

TEST(HlsMediaPlaylistTest, RefusesWhatCannotBeAPlaylist) {
  EXPECT_THROW(HlsMediaPlaylist(media_testing::Progressive(96)), std::invalid_argument);
  Rendition misnumbered = Cmaf(Codec::kAac, 96, AacDurations(), 1, 1);
  misnumbered.segments[2].index = 5;
  EXPECT_THROW(HlsMediaPlaylist(misnumbered), std::invalid_argument);
  Rendition no_timescale = Cmaf(Codec::kAac, 96, AacDurations(), 1, 1);
  no_timescale.timescale = 0;
  EXPECT_THROW(HlsMediaPlaylist(no_timescale), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
