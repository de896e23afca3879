#include "adapters/ffmpeg/ffmpeg_image_processor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "domain/error.h"
#include "media_fixture.h"

namespace cadenza {
namespace {

using testing::Quote;
using testing::ReadAll;
using testing::Shell;
using testing::TempDir;
using testing::WriteAll;

struct Dimensions {
  int width = 0;
  int height = 0;
};

// Walks the JPEG markers to the start of frame (SOF0..SOF15 except DHT, JPG and DAC), which
// holds the dimensions.
Dimensions JpegDimensions(const std::string& jpeg) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(jpeg.at(i)); };
  EXPECT_EQ(byte(0), 0xFF);
  EXPECT_EQ(byte(1), 0xD8);
  std::size_t at = 2;
  while (at + 9 < jpeg.size()) {
    if (byte(at) != 0xFF) break;
    unsigned char marker = byte(at + 1);
    std::size_t length = (byte(at + 2) << 8) | byte(at + 3);
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      return Dimensions{(byte(at + 7) << 8) | byte(at + 8), (byte(at + 5) << 8) | byte(at + 6)};
    }
    at += 2 + length;
  }
  ADD_FAILURE() << "no start-of-frame marker";
  return {};
}

class ImageProcessorTest : public ::testing::Test {
 protected:
  // An image of a test pattern made by the ffmpeg CLI; the format follows the file name.
  std::string Generate(const std::string& name, int width, int height,
                       const std::string& extra = "") {
    std::filesystem::path path = dir_ / name;
    Shell("ffmpeg -v error -y -f lavfi -i testsrc2=size=" + std::to_string(width) + "x" +
          std::to_string(height) + " -frames:v 1 " + extra + " " + Quote(path));
    return ReadAll(path);
  }

  // Decodes a produced JPEG independently with ffprobe.
  Dimensions Probe(const std::string& jpeg) {
    std::filesystem::path path = dir_ / "probe.jpg";
    WriteAll(path, jpeg);
    std::string out = Shell("ffprobe -v error -select_streams v:0 -show_entries "
                            "stream=codec_name,width,height -of csv=p=0 " + Quote(path));
    EXPECT_EQ(out.substr(0, out.find(',')), "mjpeg");
    Dimensions d;
    std::size_t first = out.find(',');
    std::size_t second = out.find(',', first + 1);
    d.width = std::stoi(out.substr(first + 1, second - first - 1));
    d.height = std::stoi(out.substr(second + 1));
    return d;
  }

  void ExpectSquareCovers(const std::vector<CoverImage>& covers, const std::vector<int>& sizes) {
    ASSERT_EQ(covers.size(), sizes.size());
    for (std::size_t i = 0; i < covers.size(); ++i) {
      EXPECT_EQ(covers[i].size_px, sizes[i]);
      Dimensions sof = JpegDimensions(covers[i].jpeg);
      EXPECT_EQ(sof.width, sizes[i]);
      EXPECT_EQ(sof.height, sizes[i]);
      Dimensions probed = Probe(covers[i].jpeg);
      EXPECT_EQ(probed.width, sizes[i]);
      EXPECT_EQ(probed.height, sizes[i]);
    }
  }

  ErrorCode CodeOf(const std::string& bytes, const ImageLimits& limits = {}) {
    try {
      processor_.MakeCovers(bytes, limits);
    } catch (const Error& e) {
      EXPECT_FALSE(std::string(e.what()).empty());
      return e.code();
    }
    ADD_FAILURE() << "expected an Error";
    return ErrorCode::kInternal;
  }

  TempDir temp_;
  const std::filesystem::path dir_ = temp_.path();
  FfmpegImageProcessor processor_;
};

TEST_F(ImageProcessorTest, ALargePngGivesEverySizeUpToItsShorterSide) {
  std::string png = Generate("big.png", 1000, 800);
  ExpectSquareCovers(processor_.MakeCovers(png, {}), {96, 300, 600});
}

TEST_F(ImageProcessorTest, JpegAndWebpAreDecodedToo) {
  ExpectSquareCovers(processor_.MakeCovers(Generate("photo.jpg", 640, 480), {}), {96, 300});
  ExpectSquareCovers(processor_.MakeCovers(Generate("art.webp", 1300, 1250), {}),
                     {96, 300, 600, 1200});
}

TEST_F(ImageProcessorTest, ASmallImageIsUpscaledToTheSmallestSizeOnly) {
  ExpectSquareCovers(processor_.MakeCovers(Generate("tiny.png", 50, 50), {}), {96});
}

TEST_F(ImageProcessorTest, TheOutputIsReencodedNotTheUploadedBytes) {
  std::string jpeg = Generate("exact.jpg", 300, 300);
  std::vector<CoverImage> covers = processor_.MakeCovers(jpeg, {});
  ASSERT_EQ(covers.size(), 2u);
  EXPECT_NE(covers[1].jpeg, jpeg);
}

TEST_F(ImageProcessorTest, NonImagesAreRefusedAsUnsupportedMedia) {
  EXPECT_EQ(CodeOf("just some text, not a picture\n"), ErrorCode::kUnsupportedMedia);
  EXPECT_EQ(CodeOf(""), ErrorCode::kUnsupportedMedia);
  EXPECT_EQ(CodeOf(Generate("clip.gif", 64, 64)), ErrorCode::kUnsupportedMedia);
}

TEST_F(ImageProcessorTest, ATruncatedPngIsUnprocessable) {
  std::string png = Generate("cut.png", 400, 400);
  EXPECT_EQ(CodeOf(png.substr(0, png.size() / 3)), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf(png.substr(0, 12)), ErrorCode::kUnprocessable);
}

TEST_F(ImageProcessorTest, AnImageOverTheDimensionLimitIsUnprocessable) {
  ImageLimits limits;
  limits.max_dimension = 500;
  EXPECT_EQ(CodeOf(Generate("wide.png", 1000, 800), limits), ErrorCode::kUnprocessable);
  EXPECT_EQ(CodeOf(Generate("wide.jpg", 1000, 800), limits), ErrorCode::kUnprocessable);
  // Narrow but tall: within max_dimension squared pixels, still over on one side.
  EXPECT_EQ(CodeOf(Generate("tall.png", 100, 600), limits), ErrorCode::kUnprocessable);
  EXPECT_NO_THROW(processor_.MakeCovers(Generate("ok.png", 500, 400), limits));
}

TEST_F(ImageProcessorTest, ABodyOverTheByteLimitIsTooLarge) {
  ImageLimits limits;
  limits.max_bytes = 100;
  EXPECT_EQ(CodeOf(Generate("heavy.png", 200, 200), limits), ErrorCode::kTooLarge);
}

TEST_F(ImageProcessorTest, AHeaderClaimingHugeDimensionsIsRefusedWithoutDecoding) {
  std::string png = Generate("claim.png", 64, 64);
  // IHDR width and height (bytes 16..23) rewritten to 60000 x 60000; the CRC no longer
  // matches either, so the decoder must refuse it whichever check it makes first.
  const char huge[] = {0, 0, '\xEA', '\x60', 0, 0, '\xEA', '\x60'};
  png.replace(16, 8, huge, 8);
  EXPECT_EQ(CodeOf(png), ErrorCode::kUnprocessable);
}

}  // namespace
}  // namespace cadenza
