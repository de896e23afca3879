// The stream URLs' JSON built from a grant, and the opaque entity tags of stored files.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <string>

#include "api/dto.h"
#include "api/entity_tag.h"
#include "api/media_routes.h"
#include "domain/time.h"
#include "services/media_delivery.h"

namespace cadenza::api {
namespace {

StreamGrant SampleGrant() {
  StreamGrant grant;
  grant.track_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  grant.album_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";
  grant.title = "Overture";
  grant.token = "dG9rZW4.c2ln";
  grant.expires_at = 1'800'000'000'000;
  grant.hls_master = "master.m3u8";
  grant.dash_manifest = "manifest.mpd";
  grant.progressive = {{"mp3_96", "mp3_96.mp3"}, {"mp3_320", "mp3_320.mp3"}};
  grant.loudness = Loudness{-9.5, -0.8, -4.5};
  return grant;
}

TEST(MediaFilePathTest, PutsTheTokenAndTrackBeforeTheFile) {
  EXPECT_EQ(MediaFilePath("tok", "trk", "aac_96/seg-00001.m4s"),
            "/media/tok/trk/aac_96/seg-00001.m4s");
}

TEST(StreamUrlsJsonTest, PublishesEveryFileOfTheGrantUnderTheBase) {
  const StreamGrant grant = SampleGrant();
  const std::string media = "https://cdn.example/media/" + grant.token + "/" + grant.track_id + "/";
  boost::json::object body = StreamUrlsJson(grant, "https://cdn.example");
  EXPECT_EQ(body.at("trackUrl").as_string(), media + "master.m3u8");
  EXPECT_EQ(body.at("hls").as_string(), media + "master.m3u8");
  EXPECT_EQ(body.at("dash").as_string(), media + "manifest.mpd");
  const boost::json::object& progressive = body.at("progressive").as_object();
  EXPECT_EQ(progressive.size(), 2u);
  EXPECT_EQ(progressive.at("mp3_96").as_string(), media + "mp3_96.mp3");
  EXPECT_EQ(progressive.at("mp3_320").as_string(), media + "mp3_320.mp3");
  EXPECT_EQ(body.at("albumId").as_string(), grant.album_id);
  EXPECT_EQ(body.at("title").as_string(), "Overture");
  EXPECT_EQ(body.at("expiresAt").as_string(), FormatRfc3339(grant.expires_at));
  const boost::json::object& loudness = body.at("loudness").as_object();
  EXPECT_DOUBLE_EQ(loudness.at("integratedLufs").as_double(), -9.5);
  EXPECT_DOUBLE_EQ(loudness.at("truePeakDb").as_double(), -0.8);
  EXPECT_DOUBLE_EQ(loudness.at("gainDb").as_double(), -4.5);
}

TEST(StreamUrlsJsonTest, RootRelativeWithoutABaseAndNullLoudnessWhenUnmeasured) {
  StreamGrant grant = SampleGrant();
  grant.loudness.reset();
  boost::json::object body = StreamUrlsJson(grant, "");
  EXPECT_EQ(body.at("hls").as_string(), MediaFilePath(grant.token, grant.track_id, "master.m3u8"));
  EXPECT_TRUE(body.at("loudness").is_null());
}

TEST(BlobEntityTagTest, OpaqueQuotedAndStable) {
  const std::string key = "renditions/0190a1b2/job-7-2/aac_160/seg-00002.m4s";
  const std::string tag = BlobEntityTag(key, 15);
  ASSERT_EQ(tag.size(), 34u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag.find_first_not_of("0123456789abcdef", 1), tag.size() - 1) << tag;
  for (std::string_view part : {"renditions", "0190a1b2", "job-7", "aac_160", "seg-"}) {
    EXPECT_EQ(tag.find(part), std::string::npos) << part << " shows in " << tag;
  }
  EXPECT_EQ(BlobEntityTag(key, 15), tag);
}

TEST(BlobEntityTagTest, DiffersWithTheKeyOrTheSize) {
  const std::string tag = BlobEntityTag("covers/a/v1/96.jpg", 1000);
  EXPECT_NE(BlobEntityTag("covers/a/v2/96.jpg", 1000), tag);
  EXPECT_NE(BlobEntityTag("covers/a/v1/300.jpg", 1000), tag);
  EXPECT_NE(BlobEntityTag("covers/a/v1/96.jpg", 1001), tag);
  // The size is delimited, so a key ending in digits cannot pose as another key and size.
  EXPECT_NE(BlobEntityTag("k1", 23), BlobEntityTag("k12", 3));
}

}  // namespace
}  // namespace cadenza::api
