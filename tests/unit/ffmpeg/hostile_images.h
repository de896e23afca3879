#pragma once
// Images written byte by byte to make a decoder work hard, so that no encoder is needed.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cadenza::testing {

inline std::string JpegSegment(unsigned char marker, const std::vector<unsigned char>& payload) {
  std::string out = {'\xFF', static_cast<char>(marker), static_cast<char>((payload.size() + 2) >> 8),
                     static_cast<char>((payload.size() + 2) & 0xFF)};
  out.append(payload.begin(), payload.end());
  return out;
}

// Packs (value, bit count) pairs MSB first, pads the last byte with ones and stuffs a zero
// after every 0xFF, as entropy-coded JPEG data requires.
inline std::string EntropyBytes(const std::vector<std::pair<unsigned, int>>& codes) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  auto push = [&](unsigned byte) {
    out.push_back(static_cast<char>(byte));
    if (byte == 0xFF) out.push_back('\0');
  };
  for (auto [value, count] : codes) {
    for (int i = count - 1; i >= 0; --i) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits == 8) {
        push(acc & 0xFF);
        acc = 0;
        bits = 0;
      }
    }
  }
  if (bits > 0) push(((acc << (8 - bits)) | ((1u << (8 - bits)) - 1)) & 0xFF);
  return out;
}

// A grey progressive JPEG of `width` x `height` (multiples of 8): a DC scan, then `ac_scans`
// copies of one AC scan. Each AC scan costs a few bytes (runs of empty blocks, EOB14) but makes
// a decoder visit every block once more. With `restart_blocks`, the DC scan has a restart
// marker after every that many blocks (a multiple of 8, so each interval is whole bytes).
inline std::string ProgressiveJpeg(int width, int height, int ac_scans, int restart_blocks = 0) {
  const int blocks = (width / 8) * (height / 8);
  auto hi = [](int v) { return static_cast<unsigned char>(v >> 8); };
  auto lo = [](int v) { return static_cast<unsigned char>(v & 0xFF); };
  std::string out = "\xFF\xD8";
  out += JpegSegment(0xDB, [] {
    std::vector<unsigned char> table(65, 1);
    table[0] = 0;
    return table;
  }());
  out += JpegSegment(0xC2, {8, hi(height), lo(height), hi(width), lo(width), 1, 1, 0x11, 0});
  // Huffman tables with one 1-bit code each: DC category 0, AC symbol EOB14 (0xE0).
  std::vector<unsigned char> tables = {0x00, 1};
  tables.insert(tables.end(), 15, 0);
  tables.push_back(0x00);
  tables.push_back(0x10);
  tables.push_back(1);
  tables.insert(tables.end(), 15, 0);
  tables.push_back(0xE0);
  out += JpegSegment(0xC4, tables);
  if (restart_blocks > 0) out += JpegSegment(0xDD, {hi(restart_blocks), lo(restart_blocks)});
  out += JpegSegment(0xDA, {1, 1, 0x00, 0, 0, 0x00});
  const int interval = restart_blocks > 0 ? restart_blocks : blocks;
  for (int done = 0, rst = 0; done < blocks; done += interval, ++rst) {
    if (done > 0) out += {'\xFF', static_cast<char>(0xD0 + rst % 8)};
    out += EntropyBytes(std::vector<std::pair<unsigned, int>>(std::min(interval, blocks - done), {0, 1}));
  }
  if (restart_blocks > 0) out += JpegSegment(0xDD, {0, 0});
  std::vector<std::pair<unsigned, int>> runs;
  for (int left = blocks; left > 0; left -= 32767) {
    runs.emplace_back(0, 1);
    runs.emplace_back(0x3FFF, 14);
  }
  const std::string ac_scan = JpegSegment(0xDA, {1, 1, 0x00, 1, 63, 0x00}) + EntropyBytes(runs);
  for (int i = 0; i < ac_scans; ++i) out += ac_scan;
  out += "\xFF\xD9";
  return out;
}

inline std::uint32_t Crc32(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// Rewrites a PNG's IHDR width and height (and its CRC), leaving the pixel data as it was.
inline std::string WithPngSize(std::string png, std::uint32_t width, std::uint32_t height) {
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  };
  put32(16, width);
  put32(20, height);
  put32(29, Crc32(png.substr(12, 17)));  // the CRC covers the type and the 13 data bytes
  return png;
}

}  // namespace cadenza::testing
