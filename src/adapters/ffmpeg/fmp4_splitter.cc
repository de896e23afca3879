#include "adapters/ffmpeg/fmp4_splitter.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cadenza::ffmpeg {
namespace {

struct Box {
  std::string type;
  std::uint64_t offset = 0;  // of the header
  std::uint64_t size = 0;    // header included
  std::uint64_t header = 8;
};

std::uint32_t Be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
std::uint64_t Be64(const unsigned char* p) { return (std::uint64_t{Be32(p)} << 32) | Be32(p + 4); }

[[noreturn]] void Malformed(const std::string& what) {
  throw std::runtime_error("fragmented MP4 is malformed: " + what);
}

// Parses the box header at `offset` within a region ending at `end`.
std::optional<Box> ParseBox(const unsigned char* data, std::uint64_t offset, std::uint64_t end) {
  if (end - offset < 8) return std::nullopt;
  Box box;
  box.offset = offset;
  box.size = Be32(data + offset);
  box.type.assign(reinterpret_cast<const char*>(data + offset + 4), 4);
  if (box.size == 1) {
    if (end - offset < 16) Malformed("short largesize");
    box.size = Be64(data + offset + 8);
    box.header = 16;
  } else if (box.size == 0) {
    box.size = end - offset;
  }
  if (box.size < box.header || box.size > end - offset) Malformed("box " + box.type + " overruns");
  return box;
}

// Iterates the child boxes of a container held in memory.
template <typename F>
void ForEachChild(const unsigned char* data, std::uint64_t begin, std::uint64_t end, F&& f) {
  for (std::uint64_t at = begin; at < end;) {
    auto box = ParseBox(data, at, end);
    if (!box) break;
    f(*box);
    at += box->size;
  }
}

std::string ReadRange(std::ifstream& in, std::uint64_t offset, std::uint64_t size) {
  std::string bytes(size, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) Malformed("short read");
  return bytes;
}

// trex default_sample_duration from moov/mvex/trex (0 when absent).
std::uint32_t TrexDefaultDuration(const std::string& moov) {
  const auto* data = reinterpret_cast<const unsigned char*>(moov.data());
  std::uint32_t duration = 0;
  ForEachChild(data, 8, moov.size(), [&](const Box& mvex) {
    if (mvex.type != "mvex") return;
    ForEachChild(data, mvex.offset + mvex.header, mvex.offset + mvex.size, [&](const Box& trex) {
      if (trex.type == "trex" && trex.size >= trex.header + 16) {
        duration = Be32(data + trex.offset + trex.header + 12);
      }
    });
  });
  return duration;
}

// Sum of the sample durations of every run in a moof.
std::int64_t MoofDuration(const std::string& moof, std::uint32_t trex_duration) {
  const auto* data = reinterpret_cast<const unsigned char*>(moof.data());
  std::int64_t total = 0;
  ForEachChild(data, 8, moof.size(), [&](const Box& traf) {
    if (traf.type != "traf") return;
    std::uint32_t default_duration = trex_duration;
    std::uint64_t traf_end = traf.offset + traf.size;
    ForEachChild(data, traf.offset + traf.header, traf_end, [&](const Box& child) {
      const unsigned char* body = data + child.offset + child.header;
      std::uint64_t body_size = child.size - child.header;
      if (child.type == "tfhd") {
        if (body_size < 8) Malformed("tfhd");
        std::uint32_t flags = Be32(body) & 0xFFFFFF;
        std::uint64_t at = 8;  // version/flags, track_ID
        if (flags & 0x01) at += 8;
        if (flags & 0x02) at += 4;
        if (flags & 0x08) {
          if (body_size < at + 4) Malformed("tfhd");
          default_duration = Be32(body + at);
        }
      } else if (child.type == "trun") {
        if (body_size < 8) Malformed("trun");
        std::uint32_t flags = Be32(body) & 0xFFFFFF;
        std::uint32_t count = Be32(body + 4);
        std::uint64_t at = 8;
        if (flags & 0x01) at += 4;
        if (flags & 0x04) at += 4;
        std::uint64_t per_sample = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) +
                                   ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
        if (body_size < at + per_sample * count) Malformed("trun");
        for (std::uint32_t i = 0; i < count; ++i) {
          total += (flags & 0x100) ? Be32(body + at + per_sample * i) : default_duration;
        }
      }
    });
  });
  return total;
}

void WriteRange(std::ifstream& in, std::uint64_t offset, std::uint64_t size,
                const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  in.seekg(static_cast<std::streamoff>(offset));
  std::array<char, 1 << 16> buffer;
  for (std::uint64_t left = size; left > 0;) {
    auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size()));
    in.read(buffer.data(), n);
    if (!in) Malformed("short read");
    out.write(buffer.data(), n);
    left -= static_cast<std::uint64_t>(n);
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

bool StartsFragment(const std::string& type) {
  return type == "styp" || type == "sidx" || type == "moof" || type == "prft" || type == "emsg";
}

// The top-level boxes of the file: only their 16-byte headers are read, not the media data.
std::vector<Box> ReadTopLevelBoxes(std::ifstream& in, std::uint64_t file_size) {
  std::vector<Box> boxes;
  for (std::uint64_t at = 0; at < file_size;) {
    unsigned char header[16] = {};
    std::uint64_t n = std::min<std::uint64_t>(16, file_size - at);
    in.seekg(static_cast<std::streamoff>(at));
    in.read(reinterpret_cast<char*>(header), static_cast<std::streamsize>(n));
    if (!in) Malformed("short read");
    // ParseBox checks sizes against the region; give it a view whose end is the file's.
    Box box;
    box.offset = at;
    box.size = Be32(header);
    box.type.assign(reinterpret_cast<const char*>(header + 4), 4);
    if (n < 8) Malformed("trailing bytes");
    if (box.size == 1) {
      if (n < 16) Malformed("short largesize");
      box.size = Be64(header + 8);
      box.header = 16;
    } else if (box.size == 0) {
      box.size = file_size - at;
    }
    if (box.size < box.header || box.size > file_size - at)
      Malformed("box " + box.type + " overruns");
    boxes.push_back(box);
    at += box.size;
  }
  return boxes;
}

// One media segment: a run of boxes from a fragment-opening box to the end of its mdat.
struct Fragment {
  std::uint64_t begin = 0, end = 0;
  std::int64_t duration = 0;
  bool has_moof = false, has_mdat = false;
};

// Groups the boxes from `first` on into fragments: a new one starts at a fragment-opening box
// once the current one has its media data.
std::vector<Fragment> GroupFragments(std::ifstream& in, const std::vector<Box>& boxes,
                                     std::size_t first, std::uint32_t trex_duration) {
  std::vector<Fragment> fragments;
  for (std::size_t i = first; i < boxes.size(); ++i) {
    const Box& box = boxes[i];
    if (box.type == "mfra") continue;
    if (fragments.empty() || (StartsFragment(box.type) && fragments.back().has_mdat)) {
      fragments.push_back(Fragment{box.offset, box.offset, 0, false, false});
    }
    Fragment& fragment = fragments.back();
    if (fragment.end != box.offset) Malformed("box between fragments");
    fragment.end = box.offset + box.size;
    if (box.type == "moof") {
      fragment.has_moof = true;
      fragment.duration += MoofDuration(ReadRange(in, box.offset, box.size), trex_duration);
    } else if (box.type == "mdat") {
      fragment.has_mdat = true;
    }
  }
  return fragments;
}

}  // namespace

SplitFmp4 SplitFragmentedMp4(const std::filesystem::path& file,
                             const std::filesystem::path& folder) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  const std::uint64_t file_size = std::filesystem::file_size(file);

  std::vector<Box> boxes = ReadTopLevelBoxes(in, file_size);

  std::size_t first = 0;
  while (first < boxes.size() && !StartsFragment(boxes[first].type)) ++first;
  bool has_moov = false;
  std::uint32_t trex_duration = 0;
  for (std::size_t i = 0; i < first; ++i) {
    if (boxes[i].type == "moov") {
      has_moov = true;
      trex_duration = TrexDefaultDuration(ReadRange(in, boxes[i].offset, boxes[i].size));
    }
  }
  if (first == 0 || boxes[0].type != "ftyp" || !has_moov) Malformed("no ftyp + moov header");

  SplitFmp4 result;
  std::uint64_t init_size = boxes[first - 1].offset + boxes[first - 1].size;
  result.init.path = folder / "init.mp4";
  result.init.size_bytes = static_cast<std::int64_t>(init_size);
  WriteRange(in, 0, init_size, result.init.path);

  std::vector<Fragment> fragments = GroupFragments(in, boxes, first, trex_duration);
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    const Fragment& fragment = fragments[i];
    if (!fragment.has_moof || !fragment.has_mdat) Malformed("fragment without moof and mdat");
    char name[32];
    std::snprintf(name, sizeof name, "seg-%05zu.m4s", i);
    EncodedFile segment;
    segment.path = folder / name;
    segment.duration = fragment.duration;
    segment.size_bytes = static_cast<std::int64_t>(fragment.end - fragment.begin);
    WriteRange(in, fragment.begin, fragment.end - fragment.begin, segment.path);
    result.segments.push_back(std::move(segment));
  }
  return result;
}

}  // namespace cadenza::ffmpeg
