#include <gtest/gtest.h>

#include <string>

#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "media_fixture.h"

namespace cadenza {
namespace {

using testing::Generate;
using testing::Quote;
using testing::ReadAll;
using testing::Shell;
using testing::TempDir;

struct InputFormat {
  const char* name;
  const char* args;         // ffmpeg output arguments
  const char* format_name;  // the demuxer FFmpeg picks
  const char* codec_name;
};

const InputFormat kFormats[] = {
    {"in.flac", "-c:a flac", "flac", "flac"},
    {"in.wav", "-c:a pcm_s16le", "wav", "pcm_s16le"},
    {"in.aiff", "-c:a pcm_s16be", "aiff", "pcm_s16be"},
    {"in.mp3", "-c:a libmp3lame -b:a 128k", "mp3", "mp3"},
    {"in.ogg", "-c:a libvorbis", "ogg", "vorbis"},
    {"in.opus", "-ar 48000 -c:a libopus", "ogg", "opus"},
    {"in.m4a", "-c:a aac", "mov,mp4,m4a,3gp,3g2,mj2", "aac"},
};

class ProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    // A cover picture and a short stereo signal with every tag the adapter reads.
    Shell("ffmpeg -nostdin -v error -y -f lavfi -i color=c=red:s=32x32 -frames:v 1 " +
          Quote(dir_->path() / "cover.png"));
    Generate(dir_->path(), "tone.wav", "sine=frequency=440:duration=3", "-ac 2 -ar 44100");
  }
  static void TearDownTestSuite() { delete dir_; }

  std::filesystem::path Tagged(const std::string& name, const std::string& codec_args) {
    std::filesystem::path path = dir_->path() / name;
    Shell("ffmpeg -nostdin -v error -y -i " + Quote(dir_->path() / "tone.wav") + " -i " +
          Quote(dir_->path() / "cover.png") + " -map 0 -map 1 " + codec_args +
          " -c:v copy -disposition:v attached_pic -metadata title='Blue Train' "
          "-metadata artist='John Coltrane' -metadata album='Blue Train LP' "
          "-metadata date=1957 -metadata track=3/12 " +
          Quote(path));
    return path;
  }

  void ExpectTags(const ProbeResult& probe) {
    EXPECT_EQ(probe.tags.title, "Blue Train");
    EXPECT_EQ(probe.tags.artist, "John Coltrane");
    EXPECT_EQ(probe.tags.album, "Blue Train LP");
    EXPECT_EQ(probe.tags.date, "1957");
    EXPECT_EQ(probe.tags.track_number, 3);
    ASSERT_TRUE(probe.tags.cover_art.has_value());
    EXPECT_EQ(*probe.tags.cover_art, ReadAll(dir_->path() / "cover.png"));
    EXPECT_EQ(probe.tags.cover_art_mime, "image/png");
  }

  static TempDir* dir_;
  FfmpegTranscoder transcoder_;
};
TempDir* ProbeTest::dir_ = nullptr;

TEST_F(ProbeTest, EveryAcceptedFormatProbesAndTranscodes) {
  TranscodeOptions options;
  options.renditions = {{Codec::kAac, 96}, {Codec::kOpus, 96}, {Codec::kMp3, 96}};
  options.threads = 2;
  for (const InputFormat& format : kFormats) {
    SCOPED_TRACE(format.name);
    auto input = Generate(dir_->path(), format.name, "sine=frequency=440:duration=3",
                          std::string("-ac 2 -ar 44100 ") + format.args);  // a later -ar wins
    ProbeResult probe = transcoder_.Probe(input, MediaLimits{});
    EXPECT_EQ(probe.format_name, format.format_name);
    EXPECT_EQ(probe.codec_name, format.codec_name);
    EXPECT_EQ(probe.channels, 2);
    EXPECT_EQ(probe.sample_rate, std::string(format.codec_name) == "opus" ? 48000 : 44100);
    EXPECT_NEAR(probe.duration_ms, 3000, 60);

    auto work = dir_->path() / (std::string("work-") + format.name);
    TranscodeResult result = transcoder_.Transcode(input, work, options, nullptr);
    ASSERT_EQ(result.renditions.size(), 3u);
    EXPECT_NEAR(result.probe.duration_ms, 3000, 30);
    for (const EncodedRendition& rendition : result.renditions) {
      SCOPED_TRACE(RenditionName(rendition.spec));
      // Opus is always 48 kHz; AAC and MP3 keep a 44.1 kHz source's rate.
      EXPECT_EQ(rendition.sample_rate,
                rendition.spec.codec == Codec::kOpus ? 48000 : probe.sample_rate);
      EXPECT_EQ(rendition.timescale, rendition.sample_rate);
      EXPECT_NEAR(static_cast<double>(rendition.duration) / rendition.timescale, 3.0, 0.03);
      EXPECT_TRUE(std::filesystem::exists(rendition.main.path));
    }
  }
}

TEST_F(ProbeTest, ReadsTagsAndCoverFromFlac) {
  ExpectTags(transcoder_.Probe(Tagged("tagged.flac", "-c:a flac"), MediaLimits{}));
}

TEST_F(ProbeTest, ReadsTagsAndCoverFromMp3) {
  ExpectTags(
      transcoder_.Probe(Tagged("tagged.mp3", "-c:a libmp3lame -id3v2_version 3"), MediaLimits{}));
}

TEST_F(ProbeTest, ReadsTagsAndCoverFromM4a) {
  ExpectTags(transcoder_.Probe(Tagged("tagged.m4a", "-c:a aac"), MediaLimits{}));
}

TEST_F(ProbeTest, ReadsVorbisCommentsFromOgg) {
  auto path = dir_->path() / "tagged.ogg";
  Shell("ffmpeg -nostdin -v error -y -i " + Quote(dir_->path() / "tone.wav") +
        " -c:a libvorbis -metadata title=Naima -metadata artist=Coltrane -metadata track=7 " +
        Quote(path));
  ProbeResult probe = transcoder_.Probe(path, MediaLimits{});
  EXPECT_EQ(probe.tags.title, "Naima");
  EXPECT_EQ(probe.tags.artist, "Coltrane");
  EXPECT_EQ(probe.tags.track_number, 7);
  EXPECT_FALSE(probe.tags.album.has_value());
  EXPECT_FALSE(probe.tags.cover_art.has_value());
}

TEST_F(ProbeTest, ReadsRealMusic) {
  ProbeResult probe = transcoder_.Probe(testing::kMusicDir / "Nebula.ogg", MediaLimits{});
  EXPECT_EQ(probe.format_name, "ogg");
  EXPECT_EQ(probe.codec_name, "vorbis");
  EXPECT_EQ(probe.sample_rate, 48000);
  EXPECT_EQ(probe.channels, 2);
  EXPECT_NEAR(probe.duration_ms, 316800, 100);
}

}  // namespace
}  // namespace cadenza
