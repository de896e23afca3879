#include "media/dash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "unit/media/sample_renditions.h"

namespace cadenza {
namespace {

using media_testing::AacDurations;
using media_testing::Cmaf;
using media_testing::OpusDurations;
using media_testing::ShuffledRenditions;

// Just enough XML for the MPD: elements, double-quoted attributes, the five predefined
// entities, a leading declaration. Any imbalance or stray text fails the test.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::unique_ptr<Element>> children;

  std::vector<const Element*> All(std::string_view child) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
      if (c->name == child) out.push_back(c.get());
    }
    return out;
  }
  const Element& One(std::string_view child) const {
    auto all = All(child);
    if (all.size() != 1) throw std::runtime_error("expected one <" + std::string(child) + ">");
    return *all[0];
  }
  const std::string& At(const std::string& attribute) const {
    auto it = attributes.find(attribute);
    if (it == attributes.end()) throw std::runtime_error(name + " lacks " + attribute);
    return it->second;
  }
};

std::string Unescape(std::string_view text) {
  static const std::map<std::string, char> kEntities = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') throw std::runtime_error("raw < in an attribute");
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    std::size_t semi = text.find(';', i);
    if (semi == std::string_view::npos) throw std::runtime_error("unterminated entity");
    out.push_back(kEntities.at(std::string(text.substr(i + 1, semi - i - 1))));
    i = semi;
  }
  return out;
}

std::unique_ptr<Element> ParseXml(std::string_view xml) {
  const std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  if (!xml.starts_with(kDeclaration)) throw std::runtime_error("no XML declaration");
  std::size_t pos = kDeclaration.size();
  std::vector<Element*> open;
  std::unique_ptr<Element> root;
  auto skip_space = [&] {
    while (pos < xml.size() && std::isspace(static_cast<unsigned char>(xml[pos]))) ++pos;
  };
  for (skip_space(); pos < xml.size(); skip_space()) {
    if (xml[pos] != '<') throw std::runtime_error("text outside tags");
    if (xml.substr(pos, 2) == "</") {
      std::size_t end = xml.find('>', pos);
      std::string name(xml.substr(pos + 2, end - pos - 2));
      if (open.empty() || open.back()->name != name) throw std::runtime_error("unbalanced " + name);
      open.pop_back();
      pos = end + 1;
      continue;
    }
    ++pos;
    auto element = std::make_unique<Element>();
    while (pos < xml.size() && std::isalnum(static_cast<unsigned char>(xml[pos]))) {
      element->name.push_back(xml[pos++]);
    }
    bool self_closing = false;
    for (;;) {
      skip_space();
      if (xml.substr(pos, 2) == "/>") {
        self_closing = true;
        pos += 2;
        break;
      }
      if (xml[pos] == '>') {
        ++pos;
        break;
      }
      std::size_t eq = xml.find("=\"", pos);
      std::size_t close = xml.find('"', eq + 2);
      std::string name(xml.substr(pos, eq - pos));
      if (name.empty() || name.find_first_of(" <>\"") != std::string::npos) {
        throw std::runtime_error("bad attribute name");
      }
      if (!element->attributes.emplace(name, Unescape(xml.substr(eq + 2, close - eq - 2))).second) {
        throw std::runtime_error("repeated attribute " + name);
      }
      pos = close + 1;
    }
    Element* raw = element.get();
    if (open.empty()) {
      if (root) throw std::runtime_error("two root elements");
      root = std::move(element);
    } else {
      open.back()->children.push_back(std::move(element));
    }
    if (!self_closing) open.push_back(raw);
  }
  if (!open.empty() || !root) throw std::runtime_error("unclosed elements");
  return root;
}

// Seconds of "PT20.074667S".
double XsSeconds(const std::string& text) {
  EXPECT_TRUE(text.starts_with("PT") && text.ends_with("S")) << text;
  return std::stod(text.substr(2, text.size() - 3));
}

std::vector<std::int64_t> Expand(const Element& representation) {
  const Element& timeline = representation.One("SegmentTemplate").One("SegmentTimeline");
  std::vector<std::int64_t> durations;
  for (const Element* s : timeline.All("S")) {
    std::int64_t r = s->attributes.contains("r") ? std::stoll(s->At("r")) : 0;
    for (std::int64_t i = 0; i <= r; ++i) durations.push_back(std::stoll(s->At("d")));
  }
  return durations;
}

TEST(DashManifestTest, IsAStaticLiveProfileMpd) {
  std::string text = DashManifest(ShuffledRenditions());
  std::unique_ptr<Element> mpd = ParseXml(text);
  EXPECT_EQ(mpd->name, "MPD");
  EXPECT_EQ(mpd->At("xmlns"), "urn:mpeg:dash:schema:mpd:2011");
  EXPECT_EQ(mpd->At("profiles"), "urn:mpeg:dash:profile:isoff-live:2011");
  EXPECT_EQ(mpd->At("type"), "static");
  EXPECT_EQ(mpd->At("minBufferTime"), "PT6S");
  // 3 x 287744 + 100352 samples of AAC are the longest timeline.
  EXPECT_EQ(mpd->At("mediaPresentationDuration"), "PT20.074667S");
  ASSERT_EQ(mpd->All("Period").size(), 1u);
}

TEST(DashManifestTest, OneAdaptationSetPerCodecOneRepresentationPerBitrate) {
  std::unique_ptr<Element> mpd = ParseXml(DashManifest(ShuffledRenditions()));
  auto sets = mpd->One("Period").All("AdaptationSet");
  ASSERT_EQ(sets.size(), 2u);
  const std::vector<std::vector<std::string>> expected_ids = {
      {"aac_96", "aac_160", "aac_320"}, {"opus_96", "opus_160", "opus_320"}};
  const std::vector<std::vector<std::string>> expected_bandwidths = {
      {"101500", "168800", "335123"}, {"104000", "166000", "330000"}};
  const std::vector<std::string> expected_codecs = {"mp4a.40.2", "opus"};
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const Element& set = *sets[i];
    EXPECT_EQ(set.At("contentType"), "audio");
    EXPECT_EQ(set.At("mimeType"), "audio/mp4");
    EXPECT_EQ(set.At("segmentAlignment"), "true");
    EXPECT_EQ(set.At("lang"), "und");
    auto representations = set.All("Representation");
    ASSERT_EQ(representations.size(), 3u);
    for (std::size_t j = 0; j < representations.size(); ++j) {
      const Element& rep = *representations[j];
      EXPECT_EQ(rep.At("id"), expected_ids[i][j]);
      EXPECT_EQ(rep.At("bandwidth"), expected_bandwidths[i][j]);
      EXPECT_EQ(rep.At("codecs"), expected_codecs[i]);
      EXPECT_EQ(rep.At("audioSamplingRate"), "48000");
      const Element& channels = rep.One("AudioChannelConfiguration");
      EXPECT_EQ(channels.At("schemeIdUri"),
                "urn:mpeg:dash:23003:3:audio_channel_configuration:2011");
      EXPECT_EQ(channels.At("value"), "2");
      const Element& tmpl = rep.One("SegmentTemplate");
      EXPECT_EQ(tmpl.At("timescale"), "48000");
      EXPECT_EQ(tmpl.At("initialization"), "$RepresentationID$/init.mp4");
      EXPECT_EQ(tmpl.At("media"), "$RepresentationID$/seg-$Number%05d$.m4s");
      EXPECT_EQ(tmpl.At("startNumber"), "0");
    }
  }
}

TEST(DashManifestTest, TimelineFoldsEqualDurationsIntoRuns) {
  std::string text = DashManifest({Cmaf(Codec::kAac, 96, AacDurations(), 1, 1)});
  EXPECT_NE(text.find("<SegmentTimeline>\n"
                      "            <S t=\"0\" d=\"287744\" r=\"2\"/>\n"
                      "            <S d=\"100352\"/>\n"
                      "          </SegmentTimeline>"),
            std::string::npos)
      << text;
}

TEST(DashManifestTest, RunsRestartWhenDurationsAlternate) {
  Rendition rendition = Cmaf(Codec::kAac, 96, {100, 100, 200, 100, 100, 100, 50}, 1, 1);
  std::unique_ptr<Element> mpd = ParseXml(DashManifest({rendition}));
  const Element& rep = mpd->One("Period").One("AdaptationSet").One("Representation");
  auto runs = rep.One("SegmentTemplate").One("SegmentTimeline").All("S");
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0]->At("r"), "1");
  EXPECT_FALSE(runs[1]->attributes.contains("r"));
  EXPECT_EQ(runs[2]->At("r"), "2");
  EXPECT_FALSE(runs[3]->attributes.contains("r"));
  EXPECT_EQ(Expand(rep), (std::vector<std::int64_t>{100, 100, 200, 100, 100, 100, 50}));
}

TEST(DashManifestTest, TimelinesAddUpToTheRenditionsAndThePresentation) {
  std::vector<Rendition> renditions = ShuffledRenditions();
  std::unique_ptr<Element> mpd = ParseXml(DashManifest(renditions));
  double presentation = XsSeconds(mpd->At("mediaPresentationDuration"));
  double longest = 0;
  int checked = 0;
  for (const Element* set : mpd->One("Period").All("AdaptationSet")) {
    for (const Element* rep : set->All("Representation")) {
      std::vector<std::int64_t> durations = Expand(*rep);
      std::int64_t total = 0;
      for (std::int64_t d : durations) total += d;
      for (const Rendition& rendition : renditions) {
        if (RenditionName(rendition.spec) != rep->At("id")) continue;
        ASSERT_EQ(durations.size(), rendition.segments.size());
        for (std::size_t i = 0; i < durations.size(); ++i) {
          EXPECT_EQ(durations[i], rendition.segments[i].duration);
        }
        EXPECT_EQ(total, rendition.duration);
        ++checked;
      }
      double timescale = std::stod(rep->One("SegmentTemplate").At("timescale"));
      double seconds = static_cast<double>(total) / timescale;
      longest = std::max(longest, seconds);
    }
  }
  EXPECT_EQ(checked, 6);
  EXPECT_NEAR(presentation, longest, 1e-6);
}

TEST(DashManifestTest, EscapesWhatItInterpolates) {
  Rendition rendition = Cmaf(Codec::kAac, 96, AacDurations(), 1, 1);
  rendition.codecs = "mp4a.40.2\"/><Evil a=\"&'";
  std::unique_ptr<Element> mpd = ParseXml(DashManifest({rendition}));
  const Element& rep = mpd->One("Period").One("AdaptationSet").One("Representation");
  EXPECT_EQ(rep.At("codecs"), rendition.codecs);
  EXPECT_TRUE(rep.All("Evil").empty());
}

TEST(DashManifestTest, LeavesOutProgressiveRenditions) {
  std::unique_ptr<Element> mpd = ParseXml(DashManifest({media_testing::Progressive(96)}));
  EXPECT_TRUE(mpd->One("Period").All("AdaptationSet").empty());
  EXPECT_EQ(mpd->At("mediaPresentationDuration"), "PT0.000000S");
}

TEST(DashManifestTest, RefusesMisnumberedSegments) {
  Rendition rendition = Cmaf(Codec::kOpus, 96, OpusDurations(), 1, 1);
  rendition.segments[0].index = 1;
  EXPECT_THROW(DashManifest({rendition}), std::invalid_argument);
}

}  // namespace
}  // namespace cadenza
