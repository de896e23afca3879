#include <gtest/gtest.h>

#include <string>

#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "domain/error.h"
#include "media_fixture.h"

namespace cadenza {
namespace {

using testing::Generate;
using testing::TempDir;

struct CodecCase {
  const char* file;
  const char* encoder_args;
  const char* codec;  // the name in the reason, or the one Probe reports when accepted
};

// The reason Probe gives for `path`, or "" when it accepts it.
std::string ProbeReason(const std::filesystem::path& path, std::string* codec) {
  FfmpegTranscoder transcoder;
  try {
    *codec = transcoder.Probe(path, {}).codec_name;
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
    return e.what();
  }
}

class RefusedCodecTest : public ::testing::TestWithParam<CodecCase> {};

// Demuxers Cadenza accepts can carry codecs it does not: each of these reached `ready` before.
TEST_P(RefusedCodecTest, IsRefusedWithTheCodecName) {
  TempDir dir;
  const CodecCase& c = GetParam();
  auto path = Generate(dir.path(), c.file, "sine=frequency=440:duration=3", c.encoder_args);
  std::string codec;
  EXPECT_EQ(ProbeReason(path, &codec), std::string("unsupported audio codec: ") + c.codec);

  TranscodeOptions options;
  options.renditions = {{Codec::kAac, 96}};
  try {
    FfmpegTranscoder().Transcode(path, dir.path() / "out", options, nullptr);
    ADD_FAILURE() << c.file << " was transcoded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable);
    EXPECT_EQ(std::string(e.what()), std::string("unsupported audio codec: ") + c.codec);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, RefusedCodecTest,
    ::testing::Values(CodecCase{"tta.mka", "-c:a tta", "tta"},
                      CodecCase{"adpcm_ms.wav", "-c:a adpcm_ms", "adpcm_ms"},
                      CodecCase{"adpcm_ima.wav", "-c:a adpcm_ima_wav", "adpcm_ima_wav"},
                      CodecCase{"real.mka", "-c:a real_144 -ar 8000 -ac 1", "ra_144"},
                      CodecCase{"wavpack.mka", "-c:a wavpack", "wavpack"},
                      CodecCase{"ac3.mka", "-c:a ac3", "ac3"}),
    [](const auto& info) {
      std::string name = info.param.file;
      for (char& ch : name) if (ch == '.') ch = '_';
      return name;
    });

class AcceptedCodecTest : public ::testing::TestWithParam<CodecCase> {};

TEST_P(AcceptedCodecTest, IsStillAccepted) {
  TempDir dir;
  const CodecCase& c = GetParam();
  auto path = Generate(dir.path(), c.file, "sine=frequency=440:duration=3", c.encoder_args);
  std::string codec;
  EXPECT_EQ(ProbeReason(path, &codec), "");
  EXPECT_EQ(codec, c.codec);
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, AcceptedCodecTest,
    ::testing::Values(CodecCase{"flac.flac", "-c:a flac", "flac"},
                      CodecCase{"alac.m4a", "-c:a alac", "alac"},
                      CodecCase{"s16.wav", "-c:a pcm_s16le", "pcm_s16le"},
                      CodecCase{"f32.wav", "-c:a pcm_f32le", "pcm_f32le"},
                      CodecCase{"s24.aiff", "-c:a pcm_s24be", "pcm_s24be"},
                      CodecCase{"mp3.mp3", "-c:a libmp3lame", "mp3"},
                      CodecCase{"aac.m4a", "-c:a aac", "aac"},
                      CodecCase{"vorbis.ogg", "-c:a libvorbis", "vorbis"},
                      CodecCase{"opus.webm", "-c:a libopus", "opus"},
                      CodecCase{"flac.mka", "-c:a flac", "flac"}),
    [](const auto& info) {
      std::string name = info.param.file;
      for (char& ch : name) if (ch == '.') ch = '_';
      return name;
    });

}  // namespace
}  // namespace cadenza
