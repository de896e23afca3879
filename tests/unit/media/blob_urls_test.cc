// Manifests that name every init and media segment by a URL of the blob store (BlobUrlFor)
// instead of a name relative to the manifest.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/dash.h"
#include "media/hls.h"
#include "media/layout.h"
#include "unit/media/sample_renditions.h"

namespace cadenza {
namespace {

using media_testing::AacDurations;
using media_testing::Cmaf;
using media_testing::ShuffledRenditions;

// A pre-signed URL with a query that needs escaping in XML.
std::string StoreUrl(std::string_view key) {
  return "https://bucket.test/" + std::string(key) + "?X-Amz-Expires=60&X-Amz-Signature=ab";
}

TEST(BlobUrlsTest, HlsMediaPlaylistNamesTheInitAndEachSegmentByItsUrl) {
  Rendition aac = Cmaf(Codec::kAac, 160, AacDurations(), 170000, 160000);
  const std::string playlist = HlsMediaPlaylist(aac, StoreUrl);
  std::string expected =
      "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n"
      "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n"
      "#EXT-X-MAP:URI=\"" + StoreUrl(aac.blob_key) + "\"\n";
  const char* durations[] = {"5.994667", "5.994667", "5.994667", "2.090667"};
  for (int i = 0; i < 4; ++i) {
    expected += "#EXTINF:" + std::string(durations[i]) + ",\n" +
                StoreUrl(aac.segments[static_cast<std::size_t>(i)].blob_key) + "\n";
  }
  expected += "#EXT-X-ENDLIST\n";
  EXPECT_EQ(playlist, expected);
}

TEST(BlobUrlsTest, WithoutUrlsTheNamesStayRelative) {
  Rendition aac = Cmaf(Codec::kAac, 160, AacDurations(), 170000, 160000);
  EXPECT_EQ(HlsMediaPlaylist(aac, {}), HlsMediaPlaylist(aac));
  EXPECT_NE(HlsMediaPlaylist(aac).find("\nseg-00003.m4s\n"), std::string::npos);
}

TEST(BlobUrlsTest, DashListsEverySegmentByItsEscapedUrl) {
  const std::vector<Rendition> renditions = ShuffledRenditions();
  const std::string mpd = DashManifest(renditions, StoreUrl);
  EXPECT_EQ(mpd.find("SegmentTemplate"), std::string::npos);
  EXPECT_EQ(mpd.find("$Number"), std::string::npos);
  int listed = 0;
  for (const Rendition& rendition : renditions) {
    if (!IsCmaf(rendition) || rendition.segments.empty()) continue;
    auto escaped = [](std::string url) {
      url.replace(url.find('&'), 1, "&amp;");
      return url;
    };
    EXPECT_NE(mpd.find("<Initialization sourceURL=\"" + escaped(StoreUrl(rendition.blob_key)) +
                       "\"/>"),
              std::string::npos)
        << RenditionName(rendition.spec);
    for (const Segment& segment : rendition.segments) {
      EXPECT_NE(mpd.find("<SegmentURL media=\"" + escaped(StoreUrl(segment.blob_key)) + "\"/>"),
                std::string::npos)
          << segment.blob_key;
      ++listed;
    }
  }
  EXPECT_GT(listed, 0);
  // The timeline is the same as with the template: the list only names the files.
  const std::string relative = DashManifest(renditions);
  auto timeline = [](const std::string& text) {
    std::string out;
    for (std::size_t at = text.find("<S "); at != std::string::npos;
         at = text.find("<S ", at + 1)) {
      out += text.substr(at, text.find('>', at) - at) + "\n";
    }
    return out;
  };
  EXPECT_EQ(timeline(mpd), timeline(relative));
  EXPECT_NE(mpd.find("<SegmentList timescale=\"48000\" startNumber=\"0\">"), std::string::npos);
  EXPECT_NE(mpd.find("profiles=\"urn:mpeg:dash:profile:isoff-main:2011\""), std::string::npos);
  EXPECT_NE(relative.find("profiles=\"urn:mpeg:dash:profile:isoff-live:2011\""),
            std::string::npos);
}

}  // namespace
}  // namespace cadenza
