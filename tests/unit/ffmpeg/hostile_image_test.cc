// Images built to exhaust a decoder are refused from their headers, with the reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "adapters/ffmpeg/ffmpeg_image_processor.h"
#include "domain/error.h"
#include "hostile_images.h"
#include "media_fixture.h"

namespace cadenza {
namespace {

using testing::ProgressiveJpeg;
using testing::Quote;
using testing::ReadAll;
using testing::Shell;
using testing::TempDir;
using testing::WithPngSize;

class HostileImageTest : public ::testing::Test {
 protected:
  std::string Generate(const std::string& name, int side, const std::string& extra) {
    std::filesystem::path path = temp_.path() / name;
    Shell("ffmpeg -v error -y -f lavfi -i testsrc2=size=" + std::to_string(side) + "x" +
          std::to_string(side) + " -frames:v 1 " + extra + " " + Quote(path));
    return ReadAll(path);
  }

  // The refusal's message; fails the test unless MakeCovers throws kUnprocessable.
  std::string Refusal(const std::string& bytes, const ImageLimits& limits = {}) {
    try {
      processor_.MakeCovers(bytes, limits);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnprocessable) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "expected a refusal";
    return {};
  }

  TempDir temp_;
  FfmpegImageProcessor processor_;
};

TEST_F(HostileImageTest, AProgressiveJpegWithUsualScansAndRestartMarkersIsDecoded) {
  EXPECT_EQ(processor_.MakeCovers(ProgressiveJpeg(640, 480, 9), {}).size(), 2u);
  // Restart markers inside the entropy-coded data are not segments: the walk steps over them.
  EXPECT_EQ(processor_.MakeCovers(ProgressiveJpeg(320, 320, 9, 8), {}).size(), 2u);
}

TEST_F(HostileImageTest, AScanRepeatedThousandsOfTimesIsRefusedByItsCount) {
  std::string bomb = ProgressiveJpeg(2048, 2048, 5000);
  EXPECT_LT(bomb.size(), 200u * 1024u) << "small, yet 5000 passes over 65536 blocks";
  EXPECT_NE(Refusal(bomb).find("at most 32 scans"), std::string::npos);
  // One over the cap is refused; the cap itself is not.
  EXPECT_NE(Refusal(ProgressiveJpeg(64, 64, 32)).find("at most 32 scans"), std::string::npos);
  EXPECT_NO_THROW(processor_.MakeCovers(ProgressiveJpeg(64, 64, 31), {}));
}

TEST_F(HostileImageTest, ScansTimesPixelsOverTheBudgetAreRefused) {
  // 16 Mpx and 32 scans are each allowed; together they are 512 M pixel-scans.
  EXPECT_NE(Refusal(ProgressiveJpeg(4000, 4000, 31)).find("pixels times scans"), std::string::npos);
}

TEST_F(HostileImageTest, ScansHiddenInASegmentTheWalkSkipsAreCountedToo) {
  std::string jpeg = ProgressiveJpeg(64, 64, 1);
  std::string hidden;
  for (int i = 0; i < 40; ++i) hidden += testing::JpegSegment(0xDA, {1, 1, 0x00, 1, 63, 0x00});
  // An APP15 segment: skipped by its length here, so only the raw count can see them.
  std::string app = testing::JpegSegment(0xEF, std::vector<unsigned char>(hidden.begin(), hidden.end()));
  jpeg.insert(2, app);
  EXPECT_NE(Refusal(jpeg).find("at most 32 scans"), std::string::npos);
}

TEST_F(HostileImageTest, JpegKindsACoverNeverNeedsAreRefused) {
  std::string jpeg = ProgressiveJpeg(64, 64, 1);
  const std::size_t sof = jpeg.find("\xFF\xC2");
  std::string lossless = jpeg;
  lossless[sof + 1] = '\xC3';
  EXPECT_NE(Refusal(lossless).find("only baseline and progressive"), std::string::npos);
  std::string twelve_bit = jpeg;
  twelve_bit[sof + 4] = 12;
  EXPECT_NE(Refusal(twelve_bit).find("only 8-bit"), std::string::npos);
  std::string odd_segment = jpeg;
  odd_segment.insert(2, testing::JpegSegment(0xF0, {1, 2, 3}));
  EXPECT_NE(Refusal(odd_segment).find("segment covers never use"), std::string::npos);
}

TEST_F(HostileImageTest, ThousandsOfSmallSegmentsAreRefused) {
  std::string jpeg = ProgressiveJpeg(64, 64, 1);
  std::string comments;
  for (int i = 0; i < 300; ++i) comments += testing::JpegSegment(0xFE, {'h', 'i'});
  jpeg.insert(2, comments);
  EXPECT_NE(Refusal(jpeg).find("more than 256 segments"), std::string::npos);
}

TEST_F(HostileImageTest, AnimatedWebpIsRefused) {
  std::filesystem::path path = temp_.path() / "moving.webp";
  Shell("ffmpeg -v error -y -f lavfi -i testsrc2=size=64x64:rate=5 -frames:v 3 -c:v libwebp_anim "
        "-loop 0 " + Quote(path));
  EXPECT_NE(Refusal(ReadAll(path)).find("animated WebP"), std::string::npos);
}

TEST_F(HostileImageTest, SixteenBitPngsAreRefusedBeforeDecoding) {
  std::string png = Generate("deep.png", 64, "-pix_fmt rgba64be");
  EXPECT_NE(Refusal(png).find("16-bit"), std::string::npos);
  // The 8000 x 8000 bomb: its header alone is refused, its 512 MB of pixels never exist.
  EXPECT_NE(Refusal(WithPngSize(png, 8000, 8000)).find("16-bit"), std::string::npos);
}

TEST_F(HostileImageTest, PixelsOverTheCapAreRefusedFromTheHeader) {
  std::string png = Generate("wide.png", 64, "-pix_fmt rgba");
  EXPECT_NE(Refusal(WithPngSize(png, 8000, 8000)).find("at most 25000000 pixels"),
            std::string::npos);
  EXPECT_NE(Refusal(WithPngSize(png, 9000, 100)).find("at most 8000 pixels on a side"),
            std::string::npos);
  // Real pixels over a lowered cap, so the refusal cannot come from a failed decode.
  ImageLimits limits;
  limits.max_pixels = 64 * 63;
  EXPECT_NE(Refusal(png, limits).find("at most 4032 pixels"), std::string::npos);
  EXPECT_NE(Refusal(ProgressiveJpeg(64, 64, 1), limits).find("at most 4032 pixels"),
            std::string::npos);
  EXPECT_NE(Refusal(Generate("art.webp", 64, ""), limits).find("at most 4032 pixels"),
            std::string::npos);
}

TEST_F(HostileImageTest, AnImageExactlyAtThePixelCapIsDecoded) {
  // 100 x 40: libavcodec pads the rows to its stride alignment, so its own count is higher.
  ImageLimits limits;
  limits.max_pixels = 100 * 40;
  std::filesystem::path path = temp_.path() / "edge.png";
  Shell("ffmpeg -v error -y -f lavfi -i testsrc2=size=100x40 -frames:v 1 " + Quote(path));
  EXPECT_EQ(processor_.MakeCovers(ReadAll(path), limits).size(), 1u);
  EXPECT_EQ(processor_.MakeCovers(ProgressiveJpeg(96, 40, 9), limits).size(), 1u);
}

TEST_F(HostileImageTest, EightBitPaletteAndGreyPngsStayAccepted) {
  EXPECT_NO_THROW(processor_.MakeCovers(Generate("pal.png", 64, "-pix_fmt pal8"), {}));
  EXPECT_NO_THROW(processor_.MakeCovers(Generate("grey.png", 64, "-pix_fmt gray"), {}));
  EXPECT_NO_THROW(processor_.MakeCovers(Generate("rgb.png", 64, "-pix_fmt rgb24"), {}));
}

}  // namespace
}  // namespace cadenza
