#include "adapters/ffmpeg/image_header.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "domain/error.h"

namespace cadenza::ffmpeg {
namespace {

using namespace std::string_view_literals;

constexpr char kUnsupported[] = "cover art must be a JPEG, PNG or WebP image";
// A photo's JPEG has a few dozen segments; each costs the decoder a table build or more, so
// thousands of them are work without a picture.
constexpr int kMaxJpegSegments = 256;

Error Refused(const std::string& reason) {
  return Error(ErrorCode::kUnprocessable, "the cover image cannot be used: " + reason);
}
Error Damaged(const std::string& detail) {
  return Error(ErrorCode::kUnprocessable, "the cover image cannot be decoded: " + detail);
}
Error TooManyScans(const ImageLimits& limits) {
  return Refused("cover art JPEGs may have at most " + std::to_string(limits.max_jpeg_scans) +
                 " scans (a progressive JPEG has about 10); this one has more");
}

unsigned Byte(std::string_view bytes, std::size_t at) {
  if (at >= bytes.size()) throw Damaged("its header is truncated");
  return static_cast<unsigned char>(bytes[at]);
}
unsigned Be16(std::string_view b, std::size_t at) { return (Byte(b, at) << 8) | Byte(b, at + 1); }
std::uint32_t Be32(std::string_view b, std::size_t at) {
  return (static_cast<std::uint32_t>(Be16(b, at)) << 16) | Be16(b, at + 2);
}
unsigned Le16(std::string_view b, std::size_t at) { return Byte(b, at) | (Byte(b, at + 1) << 8); }
std::uint32_t Le24(std::string_view b, std::size_t at) { return Le16(b, at) | (Byte(b, at + 2) << 16); }
std::uint32_t Le32(std::string_view b, std::size_t at) {
  return Le16(b, at) | (static_cast<std::uint32_t>(Le16(b, at + 2)) << 16);
}

// --- PNG ------------------------------------------------------------------------------------

ImageHeader ReadPng(std::string_view bytes) {
  // The IHDR chunk must come first: length 13, then width, height, depth, colour type.
  if (Be32(bytes, 8) != 13 || bytes.substr(12, 4) != "IHDR"sv) throw Damaged("it has no PNG header");
  ImageHeader header{ImageFormat::kPng};
  const std::uint32_t width = Be32(bytes, 16);
  const std::uint32_t height = Be32(bytes, 20);
  const unsigned depth = Byte(bytes, 24);
  const unsigned colour = Byte(bytes, 25);
  if (depth == 16) {
    throw Refused("16-bit PNGs are not accepted as cover art; save it with 8 bits a channel");
  }
  const bool palette_or_grey = colour == 0 || colour == 3;
  const bool depth_ok = depth == 8 || (palette_or_grey && (depth == 1 || depth == 2 || depth == 4));
  const bool colour_ok = colour == 0 || colour == 2 || colour == 3 || colour == 4 || colour == 6;
  if (!colour_ok || !depth_ok) throw Damaged("its PNG header names an invalid pixel format");
  header.width = static_cast<int>(std::min<std::uint32_t>(width, INT32_MAX));
  header.height = static_cast<int>(std::min<std::uint32_t>(height, INT32_MAX));
  header.decode_bytes = bytes.size();
  return header;
}

// --- WebP -----------------------------------------------------------------------------------

// The first image chunk's dimensions (VP8 or VP8L), and the canvas of an extended file.
ImageHeader ReadWebp(std::string_view bytes) {
  ImageHeader header{ImageFormat::kWebp};
  header.decode_bytes = bytes.size();
  std::size_t at = 12;
  for (int chunks = 0; chunks < 64 && at + 8 <= bytes.size(); ++chunks) {
    const std::string_view fourcc = bytes.substr(at, 4);
    const std::uint32_t size = Le32(bytes, at + 4);
    const std::size_t body = at + 8;
    if (fourcc == "VP8X"sv) {
      if ((Byte(bytes, body) & 0x02) != 0) throw Refused("animated WebP images are not accepted");
      header.width = static_cast<int>(Le24(bytes, body + 4) + 1);
      header.height = static_cast<int>(Le24(bytes, body + 7) + 1);
    } else if (fourcc == "VP8 "sv || fourcc == "VP8L"sv) {
      int width = 0;
      int height = 0;
      if (fourcc == "VP8 "sv) {
        Byte(bytes, body + 9);  // throws when the frame header is cut short
        if (bytes.substr(body + 3, 3) != "\x9D\x01\x2A"sv) throw Damaged("its VP8 header is invalid");
        width = static_cast<int>(Le16(bytes, body + 6) & 0x3FFF);
        height = static_cast<int>(Le16(bytes, body + 8) & 0x3FFF);
      } else {
        if (Byte(bytes, body) != 0x2F) throw Damaged("its VP8L header is invalid");
        const std::uint32_t bits = Le32(bytes, body + 1);
        width = static_cast<int>((bits & 0x3FFF) + 1);
        height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
      }
      header.width = std::max(header.width, width);
      header.height = std::max(header.height, height);
      return header;
    } else if (fourcc == "ANIM"sv || fourcc == "ANMF"sv) {
      throw Refused("animated WebP images are not accepted");
    }
    at = body + size + (size & 1);
  }
  throw Damaged("it has no WebP image data");
}

// --- JPEG -----------------------------------------------------------------------------------

struct JpegWalk {
  ImageHeader header{ImageFormat::kJpeg};
  bool has_frame = false;
  int scans = 0;
  int segments = 0;
};

// Start of frame: 8-bit baseline (SOF0), extended sequential (SOF1) or progressive (SOF2).
void ReadFrame(std::string_view seg, unsigned marker, JpegWalk& walk) {
  if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
    throw Refused("only baseline and progressive JPEGs are accepted (this one is lossless, "
                  "hierarchical or arithmetic-coded)");
  }
  if (walk.has_frame) throw Refused("the JPEG holds more than one frame");
  walk.has_frame = true;
  if (Byte(seg, 0) != 8) throw Refused("only 8-bit JPEGs are accepted");
  const unsigned components = Byte(seg, 5);
  if (components == 0 || components > 4 || seg.size() != 6 + 3 * components) {
    throw Damaged("its JPEG frame header is invalid");
  }
  walk.header.height = static_cast<int>(Be16(seg, 1));
  walk.header.width = static_cast<int>(Be16(seg, 3));
  if (walk.header.height == 0) throw Refused("JPEGs whose height comes after the image are not accepted");
}

// The decoder reads tables by their own counts and searches what is left of a segment for
// markers: a segment with bytes beyond its tables could hide scans from this walk.
void CheckTables(std::string_view seg, unsigned marker) {
  std::size_t at = 0;
  while (at < seg.size()) {
    if (marker == 0xDB) {  // quantisation: 64 entries of 8 or 16 bits
      at += 1 + ((Byte(seg, at) >> 4) != 0 ? 128 : 64);
    } else {  // Huffman: 16 counts, then that many symbols
      unsigned symbols = 0;
      for (std::size_t i = 1; i <= 16; ++i) symbols += Byte(seg, at + i);
      at += 17 + symbols;
    }
  }
  if (at != seg.size()) throw Damaged("a JPEG table segment has a wrong length");
}

// Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart
// marker (0xFFD0..0xFFD7). Returns the position of that marker's 0xFF, or the end.
std::size_t SkipEntropyData(std::string_view bytes, std::size_t at) {
  while (at < bytes.size()) {
    const auto* found = static_cast<const char*>(
        std::memchr(bytes.data() + at, 0xFF, bytes.size() - at));
    if (found == nullptr) return bytes.size();
    at = static_cast<std::size_t>(found - bytes.data());
    if (at + 1 >= bytes.size()) return bytes.size();
    const unsigned next = static_cast<unsigned char>(bytes[at + 1]);
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      at += 2;
    } else if (next == 0xFF) {
      at += 1;  // fill byte before a marker
    } else {
      return at;
    }
  }
  return bytes.size();
}

void CountScan(std::string_view seg, JpegWalk& walk, const ImageLimits& limits) {
  if (!walk.has_frame) throw Damaged("a JPEG scan comes before its frame header");
  const unsigned components = Byte(seg, 0);
  if (components == 0 || components > 4 || seg.size() != 4 + 2 * components) {
    throw Damaged("a JPEG scan header is invalid");
  }
  if (++walk.scans > limits.max_jpeg_scans) throw TooManyScans(limits);
}

void ReadSegment(std::string_view seg, unsigned marker, JpegWalk& walk, const ImageLimits& limits) {
  if (marker == 0xDA) {
    CountScan(seg, walk, limits);
  } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
    ReadFrame(seg, marker, walk);
  } else if (marker == 0xDB || marker == 0xC4) {
    CheckTables(seg, marker);
  } else if (marker == 0xDD) {
    if (seg.size() != 2) throw Damaged("a JPEG restart interval segment has a wrong length");
  } else if (marker < 0xE0 || (marker > 0xEF && marker != 0xFE)) {
    // Application data and comments are skipped by their length; anything else is a segment
    // photos do not use, and whose content a decoder might read differently.
    constexpr char kHex[] = "0123456789ABCDEF";
    throw Refused(std::string("the JPEG has a segment covers never use (marker 0xFF") +
                  kHex[marker >> 4] + kHex[marker & 15] + ")");
  }
}

ImageHeader ReadJpeg(std::string_view bytes, const ImageLimits& limits) {
  JpegWalk walk;
  std::size_t at = 2;  // after SOI
  std::size_t end = bytes.size();
  while (at < bytes.size()) {
    if (Byte(bytes, at) != 0xFF) throw Damaged("a JPEG marker was expected");
    while (Byte(bytes, at) == 0xFF) ++at;  // fill bytes
    const unsigned marker = Byte(bytes, at++);
    if (marker == 0xD9) {  // end of image: what follows is not decoded
      end = at;
      break;
    }
    if (marker == 0x00 || marker == 0xD8) throw Damaged("the JPEG has a misplaced marker");
    if (++walk.segments > kMaxJpegSegments) {
      throw Refused("the JPEG has more than " + std::to_string(kMaxJpegSegments) + " segments");
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    const unsigned length = Be16(bytes, at);
    if (length < 2 || at + length > bytes.size()) throw Damaged("a JPEG segment is truncated");
    ReadSegment(bytes.substr(at + 2, length - 2), marker, walk, limits);
    at += length;
    if (marker == 0xDA) at = SkipEntropyData(bytes, at);
  }
  if (!walk.has_frame || walk.scans == 0) throw Damaged("the JPEG has no image data");
  walk.header.scans = walk.scans;
  walk.header.decode_bytes = end;
  return walk.header;
}

// Every 0xFFDA pair anywhere in the data: no decoder can find more scans than that, however it
// reads segments this walk skipped.
int CountScanMarkers(std::string_view bytes) {
  int count = 0;
  for (std::size_t at = bytes.find("\xFF\xDA"sv); at != std::string_view::npos;
       at = bytes.find("\xFF\xDA"sv, at + 2)) {
    ++count;
  }
  return count;
}

void CheckSize(const ImageHeader& header, const ImageLimits& limits) {
  if (header.width <= 0 || header.height <= 0) throw Damaged("it has no pixels");
  if (header.width > limits.max_dimension || header.height > limits.max_dimension) {
    throw Refused("cover art may be at most " + std::to_string(limits.max_dimension) +
                  " pixels on a side (this image is " + std::to_string(header.width) + "x" +
                  std::to_string(header.height) + ")");
  }
  const std::int64_t pixels = static_cast<std::int64_t>(header.width) * header.height;
  if (pixels > limits.max_pixels) {
    throw Refused("cover art may have at most " + std::to_string(limits.max_pixels) +
                  " pixels (this image has " + std::to_string(pixels) + ")");
  }
  if (header.format == ImageFormat::kJpeg && pixels * header.scans > limits.max_jpeg_scan_pixels) {
    throw Refused("the JPEG's " + std::to_string(header.scans) + " scans over " +
                  std::to_string(pixels) + " pixels are more work than a cover may take (at most " +
                  std::to_string(limits.max_jpeg_scan_pixels) + " pixels times scans)");
  }
}

}  // namespace

ImageHeader InspectImage(std::string_view bytes, const ImageLimits& limits) {
  ImageHeader header;
  if (bytes.starts_with("\xFF\xD8\xFF"sv)) {
    if (CountScanMarkers(bytes) > limits.max_jpeg_scans) throw TooManyScans(limits);
    header = ReadJpeg(bytes, limits);
  } else if (bytes.starts_with("\x89PNG\r\n\x1A\n"sv)) {
    header = ReadPng(bytes);
  } else if (bytes.size() >= 12 && bytes.starts_with("RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) {
    header = ReadWebp(bytes);
  } else {
    throw Error(ErrorCode::kUnsupportedMedia, kUnsupported);
  }
  CheckSize(header, limits);
  return header;
}

}  // namespace cadenza::ffmpeg
