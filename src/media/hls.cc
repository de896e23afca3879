#include "media/hls.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "media/bitrates.h"
#include "media/layout.h"
#include "media/media_time.h"

namespace cadenza {

namespace {

// An HLS quoted-string may hold neither '"' nor a line break (RFC 8216 section 4.2).
std::string QuotedString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c != '"' && c != '\r' && c != '\n') out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CodecsOf(const Rendition& rendition) {
  if (!rendition.codecs.empty()) return rendition.codecs;
  if (rendition.spec.codec == Codec::kAac) return "mp4a.40.2";
  return std::string(CodecName(rendition.spec.codec));
}

bool IsHlsVariant(const Rendition& rendition) {
  return IsCmaf(rendition) && !rendition.segments.empty() &&
         (rendition.spec.codec == Codec::kAac || rendition.spec.codec == Codec::kOpus);
}

// AAC first: every HLS client plays it, and clients start with the first listed variant.
int CodecRank(Codec codec) { return codec == Codec::kAac ? 0 : 1; }

}  // namespace

std::string HlsMasterPlaylist(const std::vector<Rendition>& renditions) {
  struct Variant {
    const Rendition* rendition;
    std::int64_t peak;
    std::int64_t average;
  };
  std::vector<Variant> variants;
  for (const Rendition& rendition : renditions) {
    if (!IsHlsVariant(rendition)) continue;
    variants.push_back({&rendition, PeakBitrate(rendition), AverageBitrate(rendition)});
  }
  std::stable_sort(variants.begin(), variants.end(), [](const Variant& a, const Variant& b) {
    return std::tuple(CodecRank(a.rendition->spec.codec), a.peak, a.average,
                      a.rendition->spec.bitrate_kbps) <
           std::tuple(CodecRank(b.rendition->spec.codec), b.peak, b.average,
                      b.rendition->spec.bitrate_kbps);
  });

  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  for (const Variant& variant : variants) {
    out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(variant.peak);
    out += ",AVERAGE-BANDWIDTH=" + std::to_string(variant.average);
    out += ",CODECS=" + QuotedString(CodecsOf(*variant.rendition)) + "\n";
    out += RenditionName(variant.rendition->spec) + "/" + std::string(kHlsMediaPlaylistName) + "\n";
  }
  return out;
}

std::string HlsMediaPlaylist(const Rendition& rendition, const BlobUrlFor& url_for) {
  if (!IsCmaf(rendition)) {
    throw std::invalid_argument("rendition " + RenditionName(rendition.spec) +
                                " is not segmented; it has no HLS playlist");
  }
  if (rendition.timescale <= 0) {
    throw std::invalid_argument("rendition " + RenditionName(rendition.spec) +
                                " has no valid timescale");
  }
  CheckSegmentNumbering(rendition);
  std::int64_t longest = 0;
  for (const Segment& segment : rendition.segments) longest = std::max(longest, segment.duration);
  std::int64_t target = std::max<std::int64_t>(1, CeilSeconds(longest, rendition.timescale));

  std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(target) + "\n";
  out += "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  out += "#EXT-X-MAP:URI=" +
         QuotedString(url_for ? url_for(rendition.blob_key) : std::string(kInitSegmentName)) +
         "\n";
  for (const Segment& segment : rendition.segments) {
    out += "#EXTINF:" + FormatSeconds(segment.duration, rendition.timescale) + ",\n";
    // A URI line ends at a line break, which no URL holds (they are percent-encoded).
    out += (url_for ? url_for(segment.blob_key) : SegmentFileName(segment.index)) + "\n";
  }
  out += "#EXT-X-ENDLIST\n";
  return out;
}

}  // namespace cadenza
