// The sandboxed transcoder end to end: the real `cadenza sandbox-transcode` child on files
// made by the ffmpeg CLI, compared with the in-process transcoder, and the ways a child can
// fail (killed, crashed, out of memory or time, talking nonsense).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "adapters/sandbox/sandbox_transcoder.h"
#include "domain/error.h"
#include "unit/ffmpeg/media_fixture.h"

namespace cadenza {
namespace {

namespace fs = std::filesystem;
using testing::Generate;
using testing::ReadAll;
using testing::TempDir;

// The processes whose parent is this one (the sandbox children still running or unreaped).
std::vector<pid_t> Children() {
  std::vector<pid_t> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int parent = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &parent) == 2 &&
        parent == getpid()) {
      children.push_back(std::stoi(name));
    }
  }
  return children;
}

SandboxOptions CadenzaChild() {
  SandboxOptions options;
  options.executable = CADENZA_BIN;
  return options;
}

// The error Transcode throws, as "<code>: <message>"; "" when it succeeds.
std::string TranscodeError(SandboxTranscoder& transcoder, const fs::path& input,
                           const fs::path& out, const std::function<void(double)>& progress,
                           std::vector<RenditionSpec> renditions = {{Codec::kAac, 96}}) {
  TranscodeOptions options;
  options.threads = 2;
  options.renditions = std::move(renditions);
  try {
    transcoder.Transcode(input, out, options, progress);
    return "";
  } catch (const Error& e) {
    return std::to_string(static_cast<int>(e.code())) + ": " + e.what();
  }
}
std::string Unavailable(const std::string& message) {
  return std::to_string(static_cast<int>(ErrorCode::kUnavailable)) + ": " + message;
}

class SandboxTranscoderTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(SandboxTranscoderTest, ProducesWhatTheInProcessTranscoderProduces) {
  fs::path picture = Generate(dir_.path(), "cover.png", "color=c=red:s=64x64", "-frames:v 1");
  fs::path input = dir_.path() / "tagged.flac";
  testing::Shell("ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:duration=13 -i " +
                 testing::Quote(picture) +
                 " -map 0:a -map 1:v -ac 2 -c:a flac -c:v copy -disposition:v attached_pic "
                 "-metadata title=Sandboxed -metadata track=3 " + testing::Quote(input));
  TranscodeOptions options;
  options.threads = 2;
  options.renditions = {{Codec::kAac, 96}, {Codec::kOpus, 96}, {Codec::kMp3, 96}};
  TranscodeResult direct = FfmpegTranscoder().Transcode(input, dir_.path() / "direct", options, nullptr);
  std::vector<double> reported;
  SandboxTranscoder sandboxed_transcoder(CadenzaChild());
  TranscodeResult sandboxed = sandboxed_transcoder.Transcode(
      input, dir_.path() / "sandboxed", options, [&](double p) { reported.push_back(p); });

  EXPECT_EQ(sandboxed.probe.codec_name, "flac");
  EXPECT_EQ(sandboxed.probe.duration_ms, direct.probe.duration_ms);
  EXPECT_EQ(sandboxed.probe.tags.title, "Sandboxed");
  EXPECT_EQ(sandboxed.probe.tags.track_number, 3);
  ASSERT_TRUE(sandboxed.probe.tags.cover_art);
  EXPECT_EQ(*sandboxed.probe.tags.cover_art, *direct.probe.tags.cover_art);
  EXPECT_DOUBLE_EQ(sandboxed.loudness.integrated_lufs, direct.loudness.integrated_lufs);
  EXPECT_DOUBLE_EQ(sandboxed.loudness.true_peak_db, direct.loudness.true_peak_db);
  ASSERT_EQ(sandboxed.renditions.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    const EncodedRendition& a = direct.renditions[i];
    const EncodedRendition& b = sandboxed.renditions[i];
    EXPECT_EQ(b.spec, a.spec);
    EXPECT_EQ(b.codecs, a.codecs);
    EXPECT_EQ(b.duration, a.duration);
    EXPECT_EQ(b.main.path, dir_.path() / "sandboxed" / fs::relative(a.main.path, dir_.path() / "direct"));
    EXPECT_EQ(ReadAll(b.main.path), ReadAll(a.main.path)) << b.main.path;
    ASSERT_EQ(b.segments.size(), a.segments.size());
    for (std::size_t s = 0; s < a.segments.size(); ++s) {
      EXPECT_EQ(b.segments[s].duration, a.segments[s].duration);
      EXPECT_EQ(b.segments[s].size_bytes, a.segments[s].size_bytes);
      EXPECT_EQ(ReadAll(b.segments[s].path), ReadAll(a.segments[s].path));
    }
  }
  ASSERT_FALSE(reported.empty());
  EXPECT_DOUBLE_EQ(reported.back(), 1.0);
  EXPECT_TRUE(Children().empty());
}

TEST_F(SandboxTranscoderTest, RefusedInputKeepsItsReasonAndProbeWorks) {
  fs::path text = dir_.path() / "notes.flac";
  std::ofstream(text) << "This is a text file, not audio at all.\n";
  SandboxTranscoder transcoder(CadenzaChild());
  EXPECT_EQ(TranscodeError(transcoder, text, dir_.path() / "out", nullptr),
            std::to_string(static_cast<int>(ErrorCode::kUnprocessable)) + ": not an audio file");
  fs::path tta = Generate(dir_.path(), "tta.mka", "sine=duration=2", "-c:a tta");
  EXPECT_EQ(TranscodeError(transcoder, tta, dir_.path() / "out", nullptr),
            std::to_string(static_cast<int>(ErrorCode::kUnprocessable)) +
                ": unsupported audio codec: tta");
  fs::path flac = Generate(dir_.path(), "tone.flac", "sine=duration=3", "-ac 2 -c:a flac");
  ProbeResult probe = transcoder.Probe(flac, {});
  EXPECT_EQ(probe.codec_name, "flac");
  EXPECT_EQ(probe.channels, 2);
  EXPECT_EQ(probe.duration_ms, 3000);
}

TEST_F(SandboxTranscoderTest, AChildKilledMidTranscodeFailsTheCallAndNothingElse) {
  fs::path input = Generate(dir_.path(), "long.flac", "sine=duration=120", "-ac 2 -c:a flac");
  SandboxTranscoder transcoder(CadenzaChild());
  bool killed = false;
  std::string error = TranscodeError(transcoder, input, dir_.path() / "out", [&](double) {
    if (killed) return;
    for (pid_t child : Children()) killed = kill(child, SIGKILL) == 0 || killed;
  });
  EXPECT_TRUE(killed);
  EXPECT_EQ(error, Unavailable("the transcoder crashed"));
  EXPECT_TRUE(Children().empty());
}

TEST_F(SandboxTranscoderTest, AnExceptionFromTheProgressCallbackKillsTheChild) {
  fs::path input = Generate(dir_.path(), "long.flac", "sine=duration=120", "-ac 2 -c:a flac");
  SandboxTranscoder transcoder(CadenzaChild());
  struct Abandoned {};
  EXPECT_THROW(TranscodeError(transcoder, input, dir_.path() / "out",
                              [&](double) { throw Abandoned{}; }),
               Abandoned);
  EXPECT_TRUE(Children().empty());
}

TEST_F(SandboxTranscoderTest, TheMemoryLimitBecomesAClearError) {
  fs::path input = Generate(dir_.path(), "tone.flac", "sine=duration=20", "-ac 2 -c:a flac");
  SandboxOptions options = CadenzaChild();
  options.memory_limit_bytes = 48LL << 20;
  SandboxTranscoder transcoder(options);
  std::string error = TranscodeError(transcoder, input, dir_.path() / "out", nullptr,
                                     StandardRenditions());
  EXPECT_EQ(error, Unavailable("the transcoder ran out of memory"));
  EXPECT_TRUE(Children().empty());
}

TEST_F(SandboxTranscoderTest, TheCpuLimitBecomesAClearError) {
  fs::path input = Generate(dir_.path(), "long.flac", "sine=duration=300", "-ac 2 -c:a flac");
  SandboxOptions options = CadenzaChild();
  options.cpu_limit_seconds = 1;
  SandboxTranscoder transcoder(options);
  std::string error = TranscodeError(transcoder, input, dir_.path() / "out", nullptr,
                                     StandardRenditions());
  EXPECT_EQ(error, Unavailable("the transcoder ran out of time"));
}

// A stand-in child from the shell: what the parent makes of a crash or nonsense.
SandboxOptions ShellChild(const std::string& script) {
  SandboxOptions options;
  options.executable = "/bin/sh";
  options.arguments = {"-c", script, "child"};
  return options;
}

TEST_F(SandboxTranscoderTest, ACrashOrNonsenseOnThePipeIsACleanFailure) {
  fs::path input = Generate(dir_.path(), "tone.flac", "sine=duration=1", "-c:a flac");
  struct Case {
    const char* script;
    const char* error;
  };
  for (const Case& c : {
           Case{"kill -SEGV $$", "the transcoder crashed"},
           Case{"echo '{\"progress\":0.5}' >&3; exit 0", "the transcoder crashed"},
           Case{"echo 'this is not json' >&3; sleep 600", "the transcoder crashed"},
           Case{"echo '{\"result\":{\"probe\":{}}}' >&3; sleep 600", "the transcoder crashed"},
           Case{"exit 3", "the transcoder crashed"},
           Case{"kill -XCPU $$", "the transcoder ran out of time"},
           Case{"echo '{\"error\":{\"kind\":\"out_of_memory\",\"reason\":\"std::bad_alloc\"}}' "
                ">&3; exit 1",
                "the transcoder ran out of memory"},
       }) {
    SandboxTranscoder transcoder(ShellChild(c.script));
    EXPECT_EQ(TranscodeError(transcoder, input, dir_.path() / "out", nullptr), Unavailable(c.error))
        << c.script;
    EXPECT_TRUE(Children().empty()) << c.script;
  }
}

TEST_F(SandboxTranscoderTest, AResultPointingOutsideItsFolderIsRefused) {
  fs::path input = Generate(dir_.path(), "tone.flac", "sine=duration=1", "-c:a flac");
  fs::path out = dir_.path() / "out";
  fs::create_directories(out / "aac_96");
  fs::create_symlink(input, out / "aac_96" / "init.mp4");  // as a hostile child might
  std::string result =
      "{\"result\":{\"probe\":{\"formatName\":\"flac\",\"codecName\":\"flac\",\"sampleRate\":"
      "44100,\"channels\":1,\"durationMs\":1000,\"tags\":{}},\"loudness\":{\"integratedLufs\":"
      "-20,\"truePeakDb\":-3,\"gainDb\":6},\"renditions\":[{\"spec\":{\"codec\":\"aac\","
      "\"bitrate\":96},\"packaging\":\"cmaf\",\"codecs\":\"mp4a.40.2\",\"sampleRate\":44100,"
      "\"channels\":1,\"timescale\":44100,\"duration\":44100,\"main\":{\"path\":"
      "\"aac_96/init.mp4\",\"duration\":0,\"sizeBytes\":1},\"segments\":[]}],\"coverArt\":false}}";
  SandboxTranscoder transcoder(ShellChild("echo '" + result + "' >&3"));
  TranscodeOptions options;
  options.renditions = {{Codec::kAac, 96}};
  try {
    transcoder.Transcode(input, out, options, nullptr);
    ADD_FAILURE() << "a symbolic link was taken for output";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cadenza
