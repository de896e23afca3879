#pragma once
// Helpers for the FFmpeg adapter tests: inputs are generated with the ffmpeg CLI into a
// temporary folder, and outputs are checked with ffprobe and by walking MP4 boxes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "unit/support/test_fixtures.h"

namespace cadenza::testing {

inline std::string Quote(const std::filesystem::path& path) {
  std::string quoted = "'";
  for (char c : path.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs a shell command; returns its stdout and stderr. Throws when it exits non-zero.
inline std::string Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed: " + command + "\n" + output);
  return output;
}

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteAll(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// ffprobe's format duration in seconds.
inline double ProbeSeconds(const std::filesystem::path& path) {
  return std::stod(
      Shell("ffprobe -v error -show_entries format=duration -of csv=p=0 " + Quote(path)));
}

// The top-level box types of an MP4 file's bytes, in order.
inline std::vector<std::string> TopLevelBoxes(const std::string& bytes) {
  std::vector<std::string> types;
  std::size_t at = 0;
  while (at + 8 <= bytes.size()) {
    auto b = [&](std::size_t i) {
      return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i]));
    };
    std::uint64_t size = (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
    types.push_back(bytes.substr(at + 4, 4));
    if (size == 1) {
      size = 0;
      for (int i = 8; i < 16; ++i) size = (size << 8) | b(i);
    }
    if (size == 0) size = bytes.size() - at;
    if (size < 8) break;
    at += size;
  }
  return types;
}

using test_support::TempDir;

inline const std::filesystem::path kMusicDir = "/usr/share/games/singularity/music";

// A sine (or other lavfi source) rendered with the given output arguments.
inline std::filesystem::path Generate(const std::filesystem::path& dir, const std::string& name,
                                      const std::string& source, const std::string& output_args) {
  std::filesystem::path path = dir / name;
  Shell("ffmpeg -nostdin -v error -y -f lavfi -i " + source + " " + output_args + " " +
        Quote(path));
  return path;
}

}  // namespace cadenza::testing
