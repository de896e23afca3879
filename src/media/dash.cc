#include "media/dash.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "media/bitrates.h"
#include "media/layout.h"
#include "media/media_time.h"

namespace cadenza {

namespace {

constexpr std::string_view kChannelScheme =
    "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";

// For attribute values (always written in double quotes).
std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value) + "\"";
}

std::string Attribute(std::string_view name, std::int64_t value) {
  return Attribute(name, std::to_string(value));
}

std::string CodecsOf(const Rendition& rendition) {
  if (!rendition.codecs.empty()) return rendition.codecs;
  if (rendition.spec.codec == Codec::kAac) return "mp4a.40.2";
  return std::string(CodecName(rendition.spec.codec));
}

std::int64_t TimelineTicks(const Rendition& rendition) {
  std::int64_t ticks = 0;
  for (const Segment& segment : rendition.segments) ticks += segment.duration;
  return ticks;
}

// <S t="0" d="288000" r="3"/><S d="100000"/>: r counts the repeats after the first.
std::string SegmentTimeline(const Rendition& rendition, const std::string& indent) {
  std::string out = indent + "<SegmentTimeline>\n";
  const std::vector<Segment>& segments = rendition.segments;
  for (std::size_t i = 0; i < segments.size();) {
    std::size_t run = 1;
    while (i + run < segments.size() && segments[i + run].duration == segments[i].duration) ++run;
    out += indent + "  <S";
    if (i == 0) out += Attribute("t", 0);
    out += Attribute("d", segments[i].duration);
    if (run > 1) out += Attribute("r", static_cast<std::int64_t>(run - 1));
    out += "/>\n";
    i += run;
  }
  out += indent + "</SegmentTimeline>\n";
  return out;
}

// The same segments listed one by one, each under the URL `url_for` gives its blob: a
// SegmentTemplate cannot spell per-file signatures.
std::string SegmentList(const Rendition& rendition, const BlobUrlFor& url_for,
                        const std::string& indent) {
  std::string out = indent + "<SegmentList" + Attribute("timescale", rendition.timescale) +
                    Attribute("startNumber", 0) + ">\n";
  out += indent + "  <Initialization" + Attribute("sourceURL", url_for(rendition.blob_key)) +
         "/>\n";
  out += SegmentTimeline(rendition, indent + "  ");
  for (const Segment& segment : rendition.segments) {
    out += indent + "  <SegmentURL" + Attribute("media", url_for(segment.blob_key)) + "/>\n";
  }
  out += indent + "</SegmentList>\n";
  return out;
}

std::string Representation(const Rendition& rendition, const BlobUrlFor& url_for) {
  const std::string indent = "        ";
  std::string out = "      <Representation";
  out += Attribute("id", RenditionName(rendition.spec));
  out += Attribute("codecs", CodecsOf(rendition));
  out += Attribute("bandwidth", PeakBitrate(rendition));
  out += Attribute("audioSamplingRate", rendition.sample_rate);
  out += ">\n";
  out += indent + "<AudioChannelConfiguration" + Attribute("schemeIdUri", kChannelScheme) +
         Attribute("value", rendition.channels) + "/>\n";
  if (url_for) {
    out += SegmentList(rendition, url_for, indent);
  } else {
    out += indent + "<SegmentTemplate" + Attribute("timescale", rendition.timescale) +
           Attribute("initialization", "$RepresentationID$/" + std::string(kInitSegmentName)) +
           Attribute("media", DashSegmentTemplate()) + Attribute("startNumber", 0) + ">\n";
    out += SegmentTimeline(rendition, indent + "  ");
    out += indent + "</SegmentTemplate>\n";
  }
  out += "      </Representation>\n";
  return out;
}

}  // namespace

std::string DashManifest(const std::vector<Rendition>& renditions, const BlobUrlFor& url_for) {
  struct Entry {
    const Rendition* rendition;
    std::int64_t bandwidth;
  };
  std::vector<Entry> aac, opus;
  // The presentation lasts as long as its longest timeline; compared in microseconds because
  // renditions may use different timescales.
  std::string duration = XsDuration(0, 1);
  long double longest_seconds = -1;
  std::int64_t longest_segment_seconds = 1;
  for (const Rendition& rendition : renditions) {
    if (!IsCmaf(rendition) || rendition.segments.empty()) continue;
    if (rendition.spec.codec != Codec::kAac && rendition.spec.codec != Codec::kOpus) continue;
    CheckSegmentNumbering(rendition);
    std::int64_t bandwidth = PeakBitrate(rendition);  // also checks the timescale
    (rendition.spec.codec == Codec::kAac ? aac : opus).push_back({&rendition, bandwidth});
    std::int64_t ticks = TimelineTicks(rendition);
    long double seconds = static_cast<long double>(ticks) / rendition.timescale;
    if (seconds > longest_seconds) {
      longest_seconds = seconds;
      duration = XsDuration(ticks, rendition.timescale);
    }
    for (const Segment& segment : rendition.segments) {
      longest_segment_seconds =
          std::max(longest_segment_seconds, CeilSeconds(segment.duration, rendition.timescale));
    }
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<MPD" + Attribute("xmlns", "urn:mpeg:dash:schema:mpd:2011") +
         // The live profile requires SegmentTemplate; the main profile admits SegmentList.
         Attribute("profiles", url_for ? "urn:mpeg:dash:profile:isoff-main:2011"
                                       : "urn:mpeg:dash:profile:isoff-live:2011") +
         Attribute("type", "static") + Attribute("mediaPresentationDuration", duration) +
         Attribute("minBufferTime", "PT" + std::to_string(longest_segment_seconds) + "S") +
         ">\n";
  out += "  <Period" + Attribute("id", "0") + Attribute("start", "PT0S") + ">\n";
  int set_id = 0;
  for (std::vector<Entry>* set : {&aac, &opus}) {
    if (set->empty()) continue;
    std::stable_sort(set->begin(), set->end(), [](const Entry& a, const Entry& b) {
      return std::tuple(a.bandwidth, a.rendition->spec.bitrate_kbps) <
             std::tuple(b.bandwidth, b.rendition->spec.bitrate_kbps);
    });
    out += "    <AdaptationSet" + Attribute("id", set_id++) + Attribute("contentType", "audio") +
           Attribute("mimeType", "audio/mp4") + Attribute("segmentAlignment", "true") +
           Attribute("startWithSAP", 1) + Attribute("lang", "und") + ">\n";
    for (const Entry& entry : *set) out += Representation(*entry.rendition, url_for);
    out += "    </AdaptationSet>\n";
  }
  out += "  </Period>\n";
  out += "</MPD>\n";
  return out;
}

}  // namespace cadenza
