// The report protocol between the sandboxed transcoder child and its parent.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "adapters/sandbox/sandbox_protocol.h"

namespace cadenza::sandbox {
namespace {

TranscodeResult SampleResult(const std::filesystem::path& dir) {
  TranscodeResult result;
  result.probe.format_name = "flac";
  result.probe.codec_name = "flac";
  result.probe.sample_rate = 44100;
  result.probe.channels = 2;
  result.probe.duration_ms = 8000;
  result.probe.tags.title = "A \"quoted\" title";
  result.probe.tags.track_number = 7;
  result.probe.tags.cover_art = std::string("\xff\xd8 jpeg bytes", 13);
  result.probe.tags.cover_art_mime = "image/jpeg";
  result.loudness = {-18.25, -3.5, 4.25};
  EncodedRendition aac;
  aac.spec = {Codec::kAac, 96};
  aac.packaging = "cmaf";
  aac.codecs = "mp4a.40.2";
  aac.sample_rate = 44100;
  aac.channels = 2;
  aac.timescale = 44100;
  aac.duration = 352800;
  aac.main = {dir / "aac_96" / "init.mp4", 0, 700};
  aac.segments = {{dir / "aac_96" / "seg-00000.m4s", 265216, 70000},
                  {dir / "aac_96" / "seg-00001.m4s", 88608, 23000}};
  result.renditions.push_back(aac);
  return result;
}

TEST(SandboxProtocolTest, ARequestSurvivesTheRoundTrip) {
  ChildRequest request;
  request.mode = RequestMode::kTranscode;
  request.input = "/work/job-1/original.flac";
  request.work_dir = "/work/job-1/out";
  request.options.limits.max_duration_ms = 90'000;
  request.options.limits.max_channels = 2;
  request.options.renditions = {{Codec::kOpus, 160}, {Codec::kMp3, 320}};
  request.options.segment_seconds = 4.0;
  request.options.threads = 3;
  request.memory_limit_bytes = 1LL << 30;
  request.cpu_limit_seconds = 150;
  request.file_size_limit_bytes = 12345;

  ChildRequest back = DecodeRequest(EncodeRequest(request));
  EXPECT_EQ(back.mode, RequestMode::kTranscode);
  EXPECT_EQ(back.input, request.input);
  EXPECT_EQ(back.work_dir, request.work_dir);
  EXPECT_EQ(back.options.limits.max_duration_ms, 90'000);
  EXPECT_EQ(back.options.limits.max_channels, 2);
  EXPECT_EQ(back.options.renditions, request.options.renditions);
  EXPECT_DOUBLE_EQ(back.options.segment_seconds, 4.0);
  EXPECT_EQ(back.options.threads, 3);
  EXPECT_EQ(back.memory_limit_bytes, 1LL << 30);
  EXPECT_EQ(back.cpu_limit_seconds, 150);
  EXPECT_EQ(back.file_size_limit_bytes, 12345);
  EXPECT_THROW(DecodeRequest("{\"mode\":\"shell\"}"), std::runtime_error);
}

TEST(SandboxProtocolTest, AResultTravelsWithRelativePathsAndWithoutTheCoverBytes) {
  const std::filesystem::path dir = "/work/job-1/out";
  std::string line = ResultLine(SampleResult(dir), dir);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  EXPECT_EQ(line.find("/work/"), std::string::npos) << line;
  EXPECT_EQ(line.find("jpeg bytes"), std::string::npos) << line;

  ChildMessage message = ParseChildLine(line.substr(0, line.size() - 1));
  ASSERT_EQ(message.type, ChildMessage::Type::kResult);
  EXPECT_TRUE(message.has_cover_art);
  const TranscodeResult& result = message.result;
  EXPECT_EQ(result.probe.sample_rate, 44100);
  EXPECT_EQ(result.probe.duration_ms, 8000);
  EXPECT_EQ(result.probe.tags.title, "A \"quoted\" title");
  EXPECT_EQ(result.probe.tags.track_number, 7);
  EXPECT_EQ(result.probe.tags.cover_art_mime, "image/jpeg");
  EXPECT_FALSE(result.probe.tags.artist);
  EXPECT_DOUBLE_EQ(result.loudness.integrated_lufs, -18.25);
  EXPECT_DOUBLE_EQ(result.loudness.gain_db, 4.25);
  ASSERT_EQ(result.renditions.size(), 1U);
  const EncodedRendition& aac = result.renditions[0];
  EXPECT_EQ(aac.spec, (RenditionSpec{Codec::kAac, 96}));
  EXPECT_EQ(aac.main.path, "aac_96/init.mp4");
  ASSERT_EQ(aac.segments.size(), 2U);
  EXPECT_EQ(aac.segments[1].path, "aac_96/seg-00001.m4s");
  EXPECT_EQ(aac.segments[1].duration, 88608);
  EXPECT_EQ(aac.segments[1].size_bytes, 23000);
}

TEST(SandboxProtocolTest, ProgressAndErrorsParse) {
  std::string progress = ProgressLine(0.25);
  ChildMessage message = ParseChildLine(progress.substr(0, progress.size() - 1));
  EXPECT_EQ(message.type, ChildMessage::Type::kProgress);
  EXPECT_DOUBLE_EQ(message.progress, 0.25);

  std::string error = ErrorLine(ChildErrorKind::kUnprocessable, "not an audio file");
  message = ParseChildLine(error.substr(0, error.size() - 1));
  EXPECT_EQ(message.type, ChildMessage::Type::kError);
  EXPECT_EQ(message.error_kind, ChildErrorKind::kUnprocessable);
  EXPECT_EQ(message.reason, "not an audio file");
}

TEST(SandboxProtocolTest, AReasonFromTheChildIsPrintableAndBounded) {
  ChildMessage message = ParseChildLine(
      "{\"error\":{\"kind\":\"unprocessable\",\"reason\":\"bad\\u001b[31m\\nline" +
      std::string(1000, 'x') + "\"}}");
  EXPECT_EQ(message.reason.substr(0, 9), "bad?[31m?");
  EXPECT_EQ(message.reason.size(), 300U);
}

TEST(SandboxProtocolTest, AnythingElseIsRefused) {
  const std::string relative_escape =
      ResultLine(SampleResult("/w"), "/w");  // then broken below in three ways
  std::string up = relative_escape;
  up.replace(up.find("aac_96/init.mp4"), 15, "../../etc/passwd");
  std::string absolute = relative_escape;
  absolute.replace(absolute.find("aac_96/init.mp4"), 15, "/etc/passwd");
  std::string negative = relative_escape;
  negative.replace(negative.find("\"sizeBytes\":700"), 15, "\"sizeBytes\":-70");
  for (const std::string& line :
       {std::string("not json"), std::string("[1,2]"), std::string("{}"),
        std::string("{\"progress\":1.5}"), std::string("{\"progress\":\"half\"}"),
        std::string("{\"progress\":0.5,\"result\":{}}"),
        std::string("{\"error\":{\"kind\":\"shell\",\"reason\":\"x\"}}"),
        std::string("{\"result\":{\"probe\":{}}}"), up.substr(0, up.size() - 1),
        absolute.substr(0, absolute.size() - 1), negative.substr(0, negative.size() - 1)}) {
    EXPECT_THROW(ParseChildLine(line), std::runtime_error) << line;
  }
}

}  // namespace
}  // namespace cadenza::sandbox
