#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "catalog_fixture.h"

namespace cadenza::testing {
namespace {

// A rendition as the worker lays it out: "renditions/<track>/<attempt>/<name>/init.mp4" and
// "seg-NNNNN.m4s" for CMAF, "renditions/<track>/<attempt>/<name>.mp3" for progressive MP3.
Rendition MakeRendition(const std::string& track_id, RenditionSpec spec,
                        const std::string& attempt, int segments = 3) {
  Rendition r;
  r.track_id = track_id;
  r.spec = spec;
  std::string name = RenditionName(spec);
  std::string folder = "renditions/" + track_id + "/" + attempt + "/";
  bool cmaf = spec.codec != Codec::kMp3;
  r.packaging = cmaf ? "cmaf" : "progressive";
  r.codecs = spec.codec == Codec::kAac ? "mp4a.40.2" : std::string(CodecName(spec.codec));
  r.sample_rate = spec.codec == Codec::kAac ? 44100 : 48000;
  r.channels = 2;
  r.timescale = r.sample_rate;
  r.blob_key = cmaf ? folder + name + "/init.mp4" : folder + name + ".mp3";
  r.average_bitrate = spec.bitrate_kbps * 1000;
  r.peak_bitrate = spec.bitrate_kbps * 1100;
  if (cmaf) {
    for (int i = 0; i < segments; ++i) {
      char file[32];
      std::snprintf(file, sizeof file, "seg-%05d.m4s", i);
      Segment segment;
      segment.index = i;
      segment.blob_key = folder + name + "/" + file;
      segment.duration = 6LL * r.timescale + i;
      segment.size_bytes = 1000LL * spec.bitrate_kbps + i;
      r.segments.push_back(segment);
      r.duration += segment.duration;
      r.size_bytes += segment.size_bytes;
    }
  } else {
    r.duration = 18LL * r.timescale;
    r.size_bytes = 300000;
  }
  return r;
}

std::vector<Rendition> StandardSet(const std::string& track_id, const std::string& attempt) {
  std::vector<Rendition> set;
  for (const RenditionSpec& spec : StandardRenditions()) {
    set.push_back(MakeRendition(track_id, spec, attempt));
  }
  return set;
}

Strings KeysOf(const std::vector<Rendition>& renditions) {
  Strings keys;
  for (const Rendition& r : renditions) {
    keys.push_back(r.blob_key);
    for (const Segment& s : r.segments) keys.push_back(s.blob_key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

Strings Sorted(Strings keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

void ExpectSameRendition(const Rendition& actual, const Rendition& expected) {
  EXPECT_EQ(actual.track_id, expected.track_id);
  EXPECT_EQ(actual.spec, expected.spec);
  EXPECT_EQ(actual.packaging, expected.packaging);
  EXPECT_EQ(actual.codecs, expected.codecs);
  EXPECT_EQ(actual.sample_rate, expected.sample_rate);
  EXPECT_EQ(actual.channels, expected.channels);
  EXPECT_EQ(actual.timescale, expected.timescale);
  EXPECT_EQ(actual.duration, expected.duration);
  EXPECT_EQ(actual.blob_key, expected.blob_key);
  EXPECT_EQ(actual.size_bytes, expected.size_bytes);
  EXPECT_EQ(actual.average_bitrate, expected.average_bitrate);
  EXPECT_EQ(actual.peak_bitrate, expected.peak_bitrate);
  ASSERT_EQ(actual.segments.size(), expected.segments.size()) << RenditionName(expected.spec);
  for (std::size_t i = 0; i < expected.segments.size(); ++i) {
    EXPECT_EQ(actual.segments[i].index, expected.segments[i].index);
    EXPECT_EQ(actual.segments[i].blob_key, expected.segments[i].blob_key);
    EXPECT_EQ(actual.segments[i].duration, expected.segments[i].duration);
    EXPECT_EQ(actual.segments[i].size_bytes, expected.segments[i].size_bytes);
  }
}

class RenditionRepositoryTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    SeedAlbum();
    Write([](CatalogTransaction& tx) {
      tx.tracks().Insert(MakeTrack("t1", "al1"));
      tx.tracks().Insert(MakeTrack("t2", "al1"));
    });
  }

  void Replace(const std::string& track_id, const std::vector<Rendition>& renditions) {
    Write([&](CatalogTransaction& tx) { tx.renditions().ReplaceForTrack(track_id, renditions); });
  }
  std::vector<Rendition> List(const std::string& track_id) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.renditions().ListForTrack(track_id); });
  }
  std::int64_t Count(const std::string& sql) { return under_test_->QueryInt(sql); }
};

TEST_F(RenditionRepositoryTest, ListsInStandardOrderWithSegmentsInIndexOrder) {
  auto expected = StandardSet("t1", "j1-1");
  auto shuffled = expected;
  std::reverse(shuffled.begin(), shuffled.end());
  std::swap(shuffled[1], shuffled[4]);
  for (Rendition& r : shuffled) std::reverse(r.segments.begin(), r.segments.end());
  Replace("t1", shuffled);
  Replace("t2", {MakeRendition("t2", {Codec::kAac, 96}, "j2-1")});

  auto listed = List("t1");
  ASSERT_EQ(listed.size(), StandardRenditions().size());
  for (std::size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(listed[i].spec, StandardRenditions()[i]) << i;
    ExpectSameRendition(listed[i], expected[i]);
  }
  EXPECT_EQ(List("t2").size(), 1u);
  EXPECT_TRUE(List("ghost").empty());
  EXPECT_TRUE(QueuedKeys().empty());  // nothing was replaced
}

TEST_F(RenditionRepositoryTest, ATrackIdIsTakenFromTheCallWhenTheRenditionLeavesItEmpty) {
  Rendition r = MakeRendition("t1", {Codec::kMp3, 160}, "j1-1");
  r.track_id.clear();
  Replace("t1", {r});
  ASSERT_EQ(List("t1").size(), 1u);
  EXPECT_EQ(List("t1")[0].track_id, "t1");
  EXPECT_THROW(Replace("t2", {MakeRendition("t1", {Codec::kMp3, 96}, "j1-1")}),
               std::invalid_argument);
}

TEST_F(RenditionRepositoryTest, AMissingTrackIsNotFound) {
  EXPECT_EQ(ThrownCode([&] { Replace("ghost", {MakeRendition("ghost", {Codec::kAac, 96}, "a")}); }),
            ErrorCode::kNotFound);
}

TEST_F(RenditionRepositoryTest, DeletingATrackQueuesTheOriginalAndEveryRenditionKey) {
  auto set = StandardSet("t1", "j1-1");
  Replace("t1", set);
  Replace("t2", StandardSet("t2", "j2-1"));
  Write([](CatalogTransaction& tx) { tx.tracks().Delete("t1"); });

  Strings expected = KeysOf(set);
  expected.push_back("originals/t1.flac");
  EXPECT_EQ(Sorted(QueuedKeys()), Sorted(expected));
  EXPECT_EQ(expected.size(), 1u + 9u + 6u * 3u);  // original, init/progressive keys, segments
  EXPECT_EQ(Count("SELECT count(*) FROM renditions WHERE track_id = 't1'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM rendition_segments WHERE track_id = 't1'"), 0);
  EXPECT_EQ(List("t2").size(), 9u);
}

TEST_F(RenditionRepositoryTest, DeletingTheOwnerCascadesThroughEveryLevel) {
  Replace("t1", StandardSet("t1", "j1-1"));
  Replace("t2", StandardSet("t2", "j2-1"));
  Write([](CatalogTransaction& tx) { tx.users().Delete("u1"); });
  Strings expected = KeysOf(StandardSet("t1", "j1-1"));
  for (const auto& key : KeysOf(StandardSet("t2", "j2-1"))) expected.push_back(key);
  expected.push_back("originals/t1.flac");
  expected.push_back("originals/t2.flac");
  EXPECT_EQ(Sorted(QueuedKeys()), Sorted(expected));
  EXPECT_EQ(Count("SELECT count(*) FROM rendition_segments"), 0);
}

TEST_F(RenditionRepositoryTest, ReplacingQueuesExactlyTheOldKeysNotReused) {
  auto old_set = std::vector<Rendition>{MakeRendition("t1", {Codec::kAac, 96}, "j1-1"),
                                        MakeRendition("t1", {Codec::kOpus, 160}, "j1-1"),
                                        MakeRendition("t1", {Codec::kMp3, 320}, "j1-1")};
  Replace("t1", old_set);

  // The new set keeps aac_96's init segment and first media segment, drops opus_160, and
  // brings new keys for everything else.
  auto aac = MakeRendition("t1", {Codec::kAac, 96}, "j2-1", /*segments=*/4);
  aac.blob_key = old_set[0].blob_key;
  aac.segments[0].blob_key = old_set[0].segments[0].blob_key;
  auto new_set = std::vector<Rendition>{aac, MakeRendition("t1", {Codec::kMp3, 320}, "j2-1")};
  Replace("t1", new_set);

  Strings expected;
  for (const auto& key : KeysOf(old_set)) {
    auto reused = KeysOf(new_set);
    if (!std::binary_search(reused.begin(), reused.end(), key)) expected.push_back(key);
  }
  EXPECT_EQ(expected.size(), 2u + 4u + 1u);  // aac segments 1-2, opus init + 3 segments, mp3
  EXPECT_EQ(Sorted(QueuedKeys()), Sorted(expected));

  auto listed = List("t1");
  ASSERT_EQ(listed.size(), 2u);
  ExpectSameRendition(listed[0], new_set[0]);
  ExpectSameRendition(listed[1], new_set[1]);
  EXPECT_EQ(Count("SELECT count(*) FROM rendition_segments WHERE track_id = 't1'"), 4);
}

TEST_F(RenditionRepositoryTest, RedoingTheSameSetQueuesNothing) {
  auto set = StandardSet("t1", "j1-1");
  Replace("t1", set);
  Replace("t1", set);
  EXPECT_TRUE(QueuedKeys().empty());
  EXPECT_EQ(List("t1").size(), 9u);
  Replace("t1", {});
  EXPECT_EQ(Sorted(QueuedKeys()), KeysOf(set));
  EXPECT_TRUE(List("t1").empty());
}

TEST_F(RenditionRepositoryTest, AReusedKeyIsNotLeftQueued) {
  auto set = std::vector<Rendition>{MakeRendition("t1", {Codec::kAac, 160}, "j1-1"),
                                    MakeRendition("t1", {Codec::kMp3, 160}, "j9-2")};
  Write([&](CatalogTransaction& tx) {
    tx.blob_deletions().Enqueue(set[0].segments[1].blob_key);  // an exact key
    tx.blob_deletions().Enqueue(set[0].blob_key);
    tx.blob_deletions().Enqueue("renditions/t1/j9-2/");  // a prefix covering the MP3
    tx.blob_deletions().Enqueue("renditions/t1/j8-1/");  // unrelated prefix
    tx.blob_deletions().Enqueue("renditions/t1/j9");     // not a prefix entry: no '/' at the end
    tx.blob_deletions().Enqueue("renditions/t1/j1-1/aac_160/seg-00099.m4s");
  });
  Replace("t1", set);
  EXPECT_EQ(Sorted(QueuedKeys()), (Strings{"renditions/t1/j1-1/aac_160/seg-00099.m4s",
                                           "renditions/t1/j8-1/", "renditions/t1/j9"}));
}

TEST_F(RenditionRepositoryTest, AFailedReplaceLeavesTheOldSetAndQueueUntouched) {
  auto set = StandardSet("t1", "j1-1");
  Replace("t1", set);
  auto broken = StandardSet("t1", "j2-1");
  broken[4].segments[2].blob_key = broken[4].segments[0].blob_key;
  EXPECT_EQ(ThrownMessage([&] { Replace("t1", broken); }),
            "a rendition segment with this blob key already exists");
  auto duplicate_index = StandardSet("t1", "j3-1");
  duplicate_index[0].segments[1].index = 0;
  EXPECT_EQ(ThrownCode([&] { Replace("t1", duplicate_index); }), ErrorCode::kConflict);
  auto duplicate_spec = StandardSet("t1", "j4-1");
  duplicate_spec.push_back(MakeRendition("t1", {Codec::kAac, 96}, "j4-2"));
  EXPECT_EQ(ThrownCode([&] { Replace("t1", duplicate_spec); }), ErrorCode::kConflict);

  EXPECT_TRUE(QueuedKeys().empty());
  auto listed = List("t1");
  ASSERT_EQ(listed.size(), set.size());
  for (std::size_t i = 0; i < set.size(); ++i) ExpectSameRendition(listed[i], set[i]);
}

}  // namespace
}  // namespace cadenza::testing
