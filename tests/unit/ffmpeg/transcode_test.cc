#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <regex>
#include <string>

#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "media_fixture.h"

namespace cadenza {
namespace {

using testing::Generate;
using testing::ProbeSeconds;
using testing::Quote;
using testing::ReadAll;
using testing::Shell;
using testing::TempDir;
using testing::TopLevelBoxes;
using testing::WriteAll;

// One transcode of 30 s of real music (a pure tone under-fills VBR encoders), shared by the
// checks below.
class TranscodeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    source_ = dir_->path() / "music.flac";
    // Re-encoded to FLAC so the cut is sample-exact.
    Shell("ffmpeg -nostdin -v error -y -ss 60 -t 30 -i " +
          Quote(testing::kMusicDir / "Nebula.ogg") + " -c:a flac " + Quote(source_));
    source_seconds_ = ProbeSeconds(source_);  // a little under 30 s: Vorbis cuts on packets
    TranscodeOptions options;
    options.threads = 2;
    FfmpegTranscoder transcoder;
    result_ = new TranscodeResult(transcoder.Transcode(source_, dir_->path() / "work", options,
                                                       [](double p) { progress_.push_back(p); }));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }

  static TempDir* dir_;
  static std::filesystem::path source_;
  static TranscodeResult* result_;
  static std::vector<double> progress_;
  static double source_seconds_;
};
double TranscodeTest::source_seconds_ = 0;
TempDir* TranscodeTest::dir_ = nullptr;
std::filesystem::path TranscodeTest::source_;
TranscodeResult* TranscodeTest::result_ = nullptr;
std::vector<double> TranscodeTest::progress_;

std::int64_t TotalBytes(const EncodedRendition& rendition) {
  std::int64_t total = rendition.main.size_bytes;
  for (const EncodedFile& segment : rendition.segments) total += segment.size_bytes;
  return total;
}

TEST_F(TranscodeTest, ProducesTheNineRenditionsInOrder) {
  ASSERT_EQ(result_->renditions.size(), StandardRenditions().size());
  for (std::size_t i = 0; i < StandardRenditions().size(); ++i) {
    const EncodedRendition& rendition = result_->renditions[i];
    SCOPED_TRACE(RenditionName(rendition.spec));
    EXPECT_EQ(rendition.spec, StandardRenditions()[i]);
    EXPECT_EQ(rendition.sample_rate, 48000);
    EXPECT_EQ(rendition.timescale, 48000);
    EXPECT_EQ(rendition.channels, 2);
    EXPECT_NEAR(rendition.duration, source_seconds_ * 48000, 1);  // sample-exact
    auto folder = dir_->path() / "work" / RenditionName(rendition.spec);
    switch (rendition.spec.codec) {
      case Codec::kAac:
        EXPECT_EQ(rendition.packaging, "cmaf");
        EXPECT_EQ(rendition.codecs, "mp4a.40.2");
        EXPECT_EQ(rendition.main.path, folder / "init.mp4");
        break;
      case Codec::kOpus:
        EXPECT_EQ(rendition.packaging, "cmaf");
        EXPECT_EQ(rendition.codecs, "opus");
        EXPECT_EQ(rendition.main.path, folder / "init.mp4");
        break;
      case Codec::kMp3:
        EXPECT_EQ(rendition.packaging, "progressive");
        EXPECT_EQ(rendition.codecs, "mp3");
        EXPECT_EQ(rendition.main.path, folder / (RenditionName(rendition.spec) + ".mp3"));
        EXPECT_TRUE(rendition.segments.empty());
        break;
    }
    EXPECT_EQ(rendition.main.size_bytes,
              static_cast<std::int64_t>(std::filesystem::file_size(rendition.main.path)));
  }
  EXPECT_NEAR(result_->probe.duration_ms, source_seconds_ * 1000, 1);
  EXPECT_EQ(result_->probe.format_name, "flac");
}

TEST_F(TranscodeTest, CmafSegmentsAreWellFormedAndExact) {
  for (const EncodedRendition& rendition : result_->renditions) {
    if (rendition.packaging != "cmaf") continue;
    SCOPED_TRACE(RenditionName(rendition.spec));
    auto init_boxes = TopLevelBoxes(ReadAll(rendition.main.path));
    ASSERT_FALSE(init_boxes.empty());
    EXPECT_EQ(init_boxes.front(), "ftyp");
    EXPECT_NE(std::find(init_boxes.begin(), init_boxes.end(), "moov"), init_boxes.end());
    EXPECT_EQ(std::find(init_boxes.begin(), init_boxes.end(), "mdat"), init_boxes.end());
    EXPECT_EQ(std::find(init_boxes.begin(), init_boxes.end(), "moof"), init_boxes.end());

    // Five segments of just under 6 s and the remainder.
    ASSERT_EQ(rendition.segments.size(), 6u);
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < rendition.segments.size(); ++i) {
      const EncodedFile& segment = rendition.segments[i];
      char name[32];
      std::snprintf(name, sizeof name, "seg-%05zu.m4s", i);
      EXPECT_EQ(segment.path.filename(), name);
      auto boxes = TopLevelBoxes(ReadAll(segment.path));
      EXPECT_NE(std::find(boxes.begin(), boxes.end(), "moof"), boxes.end());
      EXPECT_NE(std::find(boxes.begin(), boxes.end(), "mdat"), boxes.end());
      EXPECT_EQ(segment.size_bytes,
                static_cast<std::int64_t>(std::filesystem::file_size(segment.path)));
      EXPECT_GT(segment.duration, 0);
      EXPECT_LE(segment.duration, 6.5 * rendition.timescale);
      if (i + 1 < rendition.segments.size()) {
        // Whole encoder frames, cut no later than the 6 s target.
        int frame = rendition.spec.codec == Codec::kAac ? 1024 : 960;
        EXPECT_EQ(segment.duration % frame, 0);
        EXPECT_LE(segment.duration, 6 * rendition.timescale);
        EXPECT_GT(segment.duration, 5.9 * rendition.timescale);
      }
      sum += segment.duration;
    }
    // The segments hold the presented audio plus the priming the edit list skips.
    EXPECT_GE(sum, rendition.duration);
    EXPECT_NEAR(static_cast<double>(sum) / rendition.timescale, source_seconds_, 0.05);
  }
}

TEST_F(TranscodeTest, ConcatenatedSegmentsDecodeToTheSourceDuration) {
  for (const EncodedRendition& rendition : result_->renditions) {
    SCOPED_TRACE(RenditionName(rendition.spec));
    std::filesystem::path playable = rendition.main.path;
    if (rendition.packaging == "cmaf") {
      std::string bytes = ReadAll(rendition.main.path);
      for (const EncodedFile& segment : rendition.segments) bytes += ReadAll(segment.path);
      playable = dir_->path() / (RenditionName(rendition.spec) + "-joined.mp4");
      WriteAll(playable, bytes);
    }
    EXPECT_NEAR(ProbeSeconds(playable), source_seconds_, 0.05);
    // Decode all of it, counting samples, with FFmpeg's own decoder.
    std::string out = Shell("ffmpeg -nostdin -v error -i " + Quote(playable) +
                            " -f s16le -ac 1 -ar 48000 - | wc -c");
    double decoded_seconds = std::stod(out) / 2 / 48000;
    EXPECT_NEAR(decoded_seconds, source_seconds_, 0.05);
  }
}

TEST_F(TranscodeTest, BitratesAreWithinTenPercentOfNominal) {
  for (const EncodedRendition& rendition : result_->renditions) {
    SCOPED_TRACE(RenditionName(rendition.spec));
    double kbps = TotalBytes(rendition) * 8.0 / source_seconds_ / 1000.0;
    std::cout << RenditionName(rendition.spec) << ": " << kbps << " kbps\n";
    EXPECT_NEAR(kbps, rendition.spec.bitrate_kbps, rendition.spec.bitrate_kbps * 0.10);
  }
}

TEST_F(TranscodeTest, ReportsProgressUpToOne) {
  ASSERT_GE(progress_.size(), 10u);
  EXPECT_TRUE(std::is_sorted(progress_.begin(), progress_.end()));
  EXPECT_GE(progress_.front(), 0.0);
  EXPECT_EQ(progress_.back(), 1.0);
  EXPECT_LE(progress_.size(), 102u);  // throttled to one call per percent
}

TEST_F(TranscodeTest, RedoReplacesEarlierWorkFiles) {
  auto stale = dir_->path() / "redo" / "aac_96" / "seg-00099.m4s";
  std::filesystem::create_directories(stale.parent_path());
  WriteAll(stale, "left over from an earlier attempt");
  TranscodeOptions options;
  options.renditions = {{Codec::kAac, 96}};
  FfmpegTranscoder transcoder;
  auto result = transcoder.Transcode(source_, dir_->path() / "redo", options, nullptr);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_EQ(result.renditions.at(0).segments.size(), 6u);
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "redo" / "aac_96" / "fragmented.mp4"));
}

// Parses the summary of FFmpeg's ebur128 filter: "I: -23.0 LUFS" and "Peak: -5.3 dBFS".
double SummaryValue(const std::string& text, const std::string& label) {
  std::smatch match;
  std::regex pattern(label + R"(:\s+(-?[0-9.]+|-inf))");
  std::string::const_iterator from = text.begin();
  std::string last;
  while (std::regex_search(from, text.end(), match, pattern)) {
    last = match[1];
    from = match.suffix().first;
  }
  if (last.empty()) throw std::runtime_error("no " + label + " in ebur128 output");
  return std::stod(last);
}

TEST(LoudnessTest, MatchesFfmpegEbur128Filter) {
  TempDir dir;
  for (const char* source : {"anoisesrc=color=pink:amplitude=0.25:duration=12:seed=7",
                             "sine=frequency=997:duration=12"}) {
    SCOPED_TRACE(source);
    auto input = Generate(dir.path(), "signal.flac", source, "-ac 2 -ar 48000 -c:a flac");
    std::string summary = Shell("ffmpeg -nostdin -hide_banner -nostats -i " + Quote(input) +
                                " -af ebur128=peak=true -f null -");
    double expected_lufs = SummaryValue(summary, "I");
    double expected_peak = SummaryValue(summary, "Peak");

    TranscodeOptions options;
    options.renditions = {{Codec::kOpus, 96}};
    FfmpegTranscoder transcoder;
    auto result = transcoder.Transcode(input, dir.path() / "work", options, nullptr);
    EXPECT_NEAR(result.loudness.integrated_lufs, expected_lufs, 0.5);
    EXPECT_NEAR(result.loudness.true_peak_db, expected_peak, 0.5);
    EXPECT_DOUBLE_EQ(result.loudness.gain_db, kTargetLufs - result.loudness.integrated_lufs);
  }
}

TEST(LoudnessTest, SilenceGetsAFloorAndNoGain) {
  TempDir dir;
  auto input = Generate(dir.path(), "silence.wav", "anullsrc=r=44100:cl=stereo", "-t 3");
  TranscodeOptions options;
  options.renditions = {{Codec::kMp3, 96}};
  FfmpegTranscoder transcoder;
  auto result = transcoder.Transcode(input, dir.path() / "work", options, nullptr);
  EXPECT_EQ(result.loudness.integrated_lufs, -70.0);
  EXPECT_EQ(result.loudness.true_peak_db, -70.0);
  EXPECT_EQ(result.loudness.gain_db, 0.0);
}

TEST(ChannelsTest, SurroundIsDownmixedAndMonoDuplicatedToStereo) {
  TempDir dir;
  auto surround =
      Generate(dir.path(), "surround.flac", "sine=frequency=440:duration=2", "-ac 6 -c:a flac");
  auto mono = Generate(dir.path(), "mono.flac", "sine=frequency=440:duration=2", "-ac 1 -c:a flac");
  TranscodeOptions options;
  // 320 kbps Opus is what libopus refuses on a single channel.
  options.renditions = {{Codec::kAac, 96}, {Codec::kOpus, 96}, {Codec::kOpus, 320}};
  FfmpegTranscoder transcoder;
  for (auto& rendition :
       transcoder.Transcode(surround, dir.path() / "a", options, nullptr).renditions) {
    EXPECT_EQ(rendition.channels, 2);
  }
  for (auto& rendition :
       transcoder.Transcode(mono, dir.path() / "b", options, nullptr).renditions) {
    EXPECT_EQ(rendition.channels, 2);
  }
}

// The benchmark input: a whole real track, all nine renditions on two threads.
TEST(LongTrackTest, TranscodesAFiveMinuteTrack) {
  TempDir dir;
  auto input = testing::kMusicDir / "Aberrations.ogg";
  TranscodeOptions options;
  options.threads = 2;
  FfmpegTranscoder transcoder;
  auto started = std::chrono::steady_clock::now();
  auto result = transcoder.Transcode(input, dir.path(), options, nullptr);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "five-minute track, 9 renditions, 2 threads: " << seconds << " s wall\n";
  ASSERT_EQ(result.renditions.size(), 9u);
  double source = result.probe.duration_ms / 1000.0;
  EXPECT_NEAR(source, 309.6, 0.05);
  for (const EncodedRendition& rendition : result.renditions) {
    SCOPED_TRACE(RenditionName(rendition.spec));
    EXPECT_NEAR(static_cast<double>(rendition.duration) / rendition.timescale, source, 0.01);
    if (rendition.packaging == "cmaf") {
      EXPECT_EQ(rendition.segments.size(), 52u);  // 309.6 s in segments of just under 6 s
      std::int64_t sum = 0;
      for (const EncodedFile& segment : rendition.segments) sum += segment.duration;
      EXPECT_NEAR(static_cast<double>(sum) / rendition.timescale, source, 0.05);
    }
  }
  EXPECT_LT(result.loudness.integrated_lufs, -5.0);
  EXPECT_GT(result.loudness.integrated_lufs, -40.0);
}

}  // namespace
}  // namespace cadenza
