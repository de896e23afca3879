// Stream URLs and the /media endpoint's files, over the real SQLite catalogue and a real
// LocalBlobStore holding hand-made renditions.
#include "services/media_delivery.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/dash.h"
#include "media/hls.h"
#include "media/layout.h"
#include "services/media_token.h"
#include "unit/services/track_test_fixture.h"

namespace cadenza::track_testing {
namespace {

constexpr std::chrono::seconds kTokenTtl{7200};
constexpr char kImmutable[] = "private, max-age=31536000, immutable";
constexpr char kShortLived[] = "private, max-age=60";

class MediaDeliveryTest : public TrackFixture {
 protected:
  MediaDeliveryTest()
      : media_tokens_(std::string(40, 'm'), clock_),
        delivery_(*catalog_, blobs_, media_tokens_, clock_,
                  MediaDeliveryOptions{kTokenTtl}) {
    track_ = AddReadyTrack();
  }

  // A ready track with CMAF AAC and Opus renditions and progressive MP3s, every blob stored.
  Track AddReadyTrack() {
    Track track;
    track.id = ids_.Next();
    track.album_id = album_.id;
    track.title = "Overture";
    track.blob_key = "originals/" + track.id + ".flac";
    track.blob_size = 10;
    track.status = TrackStatus::kReady;
    track.progress = 1;
    track.duration_ms = 14000;
    track.loudness = Loudness{-9.5, -0.8, -4.5};
    track.created_at = track.updated_at = clock_.Now();
    blobs_.Put(track.blob_key, "fLaC......");

    std::string prefix = "renditions/" + track.id + "/job-1/";
    std::vector<Rendition> renditions;
    for (const RenditionSpec& spec : StandardRenditions()) {
      Rendition r;
      r.track_id = track.id;
      r.spec = spec;
      r.sample_rate = 48000;
      r.channels = 2;
      r.timescale = 48000;
      r.duration = 672000;  // 14 s
      std::string name = RenditionName(spec);
      if (spec.codec == Codec::kMp3) {
        r.packaging = std::string(kProgressivePackaging);
        r.codecs = "mp3";
        r.blob_key = prefix + ProgressiveFileName(spec);
        r.size_bytes = Store(r.blob_key, "ID3 " + name);
      } else {
        r.packaging = std::string(kCmafPackaging);
        r.codecs = spec.codec == Codec::kAac ? "mp4a.40.2" : "opus";
        r.blob_key = prefix + name + "/init.mp4";
        r.size_bytes = Store(r.blob_key, "ftyp " + name);
        const std::int64_t durations[] = {288000, 288000, 96000};
        for (int i = 0; i < 3; ++i) {
          Segment segment;
          segment.index = i;
          segment.blob_key = prefix + name + "/" + SegmentFileName(i);
          segment.duration = durations[i];
          segment.size_bytes = Store(segment.blob_key, "moof " + name + " #" + std::to_string(i));
          r.size_bytes += segment.size_bytes;
          r.segments.push_back(segment);
        }
      }
      r.average_bitrate = spec.bitrate_kbps * 1000;
      r.peak_bitrate = spec.bitrate_kbps * 1050;
      renditions.push_back(r);
    }
    catalog_->Write([&](CatalogTransaction& tx) {
      tx.tracks().Insert(track);
      tx.renditions().ReplaceForTrack(track.id, renditions);
    });
    return track;
  }

  std::int64_t Store(const std::string& key, const std::string& bytes) {
    blobs_.Put(key, bytes);
    return static_cast<std::int64_t>(bytes.size());
  }

  void SetStatus(const std::string& id, TrackStatus status, std::optional<std::string> error) {
    catalog_->Write([&](CatalogTransaction& tx) {
      Track track = *tx.tracks().FindById(id);
      track.status = status;
      track.error = std::move(error);
      tx.tracks().Update(track);
    });
  }

  std::vector<Rendition> Renditions(const std::string& id) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.renditions().ListForTrack(id); });
  }

  // The token inside a /media URL.
  static std::string TokenOf(const std::string& url) {
    std::string prefix = "/media/";
    EXPECT_TRUE(url.starts_with(prefix)) << url;
    std::string rest = url.substr(prefix.size());
    return rest.substr(0, rest.find('/'));
  }

  std::string Token() { return TokenOf(delivery_.IssueStreamUrls(listener_, track_.id).hls); }

  static std::string ReadAll(BlobReader& reader) {
    std::string bytes(static_cast<std::size_t>(reader.size()), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      std::size_t n = reader.ReadAt(static_cast<std::int64_t>(got), bytes.data() + got,
                                    bytes.size() - got);
      if (n == 0) break;
      got += n;
    }
    bytes.resize(got);
    return bytes;
  }

  Error ServeError(const std::string& token, const std::string& track_id, const std::string& rest) {
    return CaptureError([&] { delivery_.Serve(token, track_id, rest); });
  }

  MediaTokenSigner media_tokens_;
  MediaDelivery delivery_;
  Track track_;
};

// --- Stream URLs ---

TEST_F(MediaDeliveryTest, IssuesTokenScopedUrls) {
  StreamUrls urls = delivery_.IssueStreamUrls(listener_, track_.id);
  std::string token = TokenOf(urls.hls);
  std::string base = "/media/" + token + "/" + track_.id + "/";
  EXPECT_EQ(urls.hls, base + "master.m3u8");
  EXPECT_EQ(urls.dash, base + "manifest.mpd");
  ASSERT_EQ(urls.progressive.size(), 3u);
  EXPECT_EQ(urls.progressive[0], std::pair(std::string("mp3_96"), base + "mp3_96.mp3"));
  EXPECT_EQ(urls.progressive[1], std::pair(std::string("mp3_160"), base + "mp3_160.mp3"));
  EXPECT_EQ(urls.progressive[2], std::pair(std::string("mp3_320"), base + "mp3_320.mp3"));
  EXPECT_EQ(urls.expires_at, kStart + 7'200'000);
  EXPECT_EQ(urls.track_id, track_.id);
  EXPECT_EQ(urls.album_id, album_.id);
  EXPECT_EQ(urls.title, "Overture");
  ASSERT_TRUE(urls.loudness);
  EXPECT_DOUBLE_EQ(urls.loudness->integrated_lufs, -9.5);
  EXPECT_DOUBLE_EQ(urls.loudness->gain_db, -4.5);

  MediaTokenSigner::Grant grant = media_tokens_.Verify(token, track_.id);
  EXPECT_EQ(grant.user_id, listener_.user_id);
  EXPECT_EQ(grant.expires_at, urls.expires_at);
}

TEST_F(MediaDeliveryTest, IssuingRefusesUnknownTracks) {
  Error error = CaptureError([&] { delivery_.IssueStreamUrls(listener_, ids_.Next()); });
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "track not found");
}

TEST_F(MediaDeliveryTest, IssuingWaitsForProcessing) {
  SetStatus(track_.id, TrackStatus::kProcessing, std::nullopt);
  Error error = CaptureError([&] { delivery_.IssueStreamUrls(listener_, track_.id); });
  EXPECT_EQ(error.code(), ErrorCode::kConflict);
  EXPECT_STREQ(error.what(),
               "the track is still being processed; try again when its status is ready");
}

TEST_F(MediaDeliveryTest, IssuingExplainsAFailure) {
  SetStatus(track_.id, TrackStatus::kFailed, "not an audio file");
  Error error = CaptureError([&] { delivery_.IssueStreamUrls(listener_, track_.id); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "the track could not be processed: not an audio file");
}

// --- Serving ---

TEST_F(MediaDeliveryTest, ServesTheMasterPlaylistFromTheDatabase) {
  MediaResponse response = delivery_.Serve(Token(), track_.id, "master.m3u8");
  EXPECT_EQ(response.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ(response.cache_control, kShortLived);
  EXPECT_TRUE(response.etag.empty());
  EXPECT_FALSE(response.reader);
  EXPECT_EQ(response.body, HlsMasterPlaylist(Renditions(track_.id)));
  EXPECT_NE(response.body.find("\naac_96/playlist.m3u8\n"), std::string::npos);
  EXPECT_NE(response.body.find("CODECS=\"opus\"\nopus_320/playlist.m3u8\n"), std::string::npos);
  EXPECT_EQ(response.body.find("mp3"), std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesTheDashManifest) {
  MediaResponse response = delivery_.Serve(Token(), track_.id, "manifest.mpd");
  EXPECT_EQ(response.content_type, "application/dash+xml");
  EXPECT_EQ(response.cache_control, kShortLived);
  EXPECT_EQ(response.body, DashManifest(Renditions(track_.id)));
  EXPECT_NE(response.body.find("<S t=\"0\" d=\"288000\" r=\"1\"/>"), std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesMediaPlaylists) {
  MediaResponse response = delivery_.Serve(Token(), track_.id, "opus_160/playlist.m3u8");
  EXPECT_EQ(response.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ(response.cache_control, kShortLived);
  EXPECT_NE(response.body.find("#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.000000,\nseg-00000.m4s\n"),
            std::string::npos);
  EXPECT_NE(response.body.find("#EXTINF:2.000000,\nseg-00002.m4s\n#EXT-X-ENDLIST\n"),
            std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesInitAndMediaSegmentsAsImmutableFiles) {
  std::string token = Token();
  std::string prefix = "renditions/" + track_.id + "/job-1/aac_160/";

  MediaResponse init = delivery_.Serve(token, track_.id, "aac_160/init.mp4");
  EXPECT_EQ(init.content_type, "audio/mp4");
  EXPECT_EQ(init.cache_control, kImmutable);
  ASSERT_TRUE(init.reader);
  EXPECT_EQ(ReadAll(*init.reader), "ftyp aac_160");
  EXPECT_EQ(init.etag, "\"" + prefix + "init.mp4:12\"");

  MediaResponse segment = delivery_.Serve(token, track_.id, "aac_160/seg-00002.m4s");
  EXPECT_EQ(segment.content_type, "audio/mp4");
  EXPECT_EQ(segment.cache_control, kImmutable);
  ASSERT_TRUE(segment.reader);
  EXPECT_EQ(ReadAll(*segment.reader), "moof aac_160 #2");
  EXPECT_EQ(segment.etag, "\"" + prefix + "seg-00002.m4s:15\"");
  EXPECT_TRUE(segment.body.empty());
}

TEST_F(MediaDeliveryTest, ServesProgressiveFiles) {
  MediaResponse response = delivery_.Serve(Token(), track_.id, "mp3_320.mp3");
  EXPECT_EQ(response.content_type, "audio/mpeg");
  EXPECT_EQ(response.cache_control, kImmutable);
  ASSERT_TRUE(response.reader);
  EXPECT_EQ(ReadAll(*response.reader), "ID3 mp3_320");
  EXPECT_FALSE(response.etag.empty());
}

TEST_F(MediaDeliveryTest, AnswersUnknownNamesWith404) {
  std::string token = Token();
  blobs_.Put("renditions/" + track_.id + "/job-1/aac_160/seg-00099.m4s", "planted");
  for (std::string rest :
       {"aac_160/seg-00003.m4s", "aac_160/seg-00099.m4s", "aac_160/seg-2.m4s",
        "aac_160/seg-00002.mp4", "aac_999/playlist.m3u8", "aac_999/init.mp4",
        "mp3_96/init.mp4", "mp3_96/playlist.m3u8", "aac_96.mp3", "mp3_999.mp3", "mp3_96",
        "master.m3u", "index.html", "aac_160", "aac_160/", "aac_160/../mp3_96.mp3",
        "../../originals/x.flac", "aac_160/init.mp4/x", "job-1/aac_160/init.mp4"}) {
    Error error = ServeError(token, track_.id, rest);
    EXPECT_EQ(error.code(), ErrorCode::kNotFound) << rest;
  }
}

TEST_F(MediaDeliveryTest, RefusesTokensForOtherTracksAndExpiredOnes) {
  Track other = AddReadyTrack();
  std::string token = Token();
  Error error = ServeError(token, other.id, "master.m3u8");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(error.what(), "media token does not match this track");

  error = ServeError("not-a-token", track_.id, "master.m3u8");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(error.what(), "malformed media token");

  // A token from a signer with another secret (e.g. another deployment).
  MediaTokenSigner foreign(std::string(40, 'x'), clock_);
  error = ServeError(foreign.Issue(track_.id, listener_.user_id, kStart + 1000), track_.id,
                     "aac_96/init.mp4");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);

  clock_.Advance(kTokenTtl);
  error = ServeError(token, track_.id, "aac_96/seg-00000.m4s");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(error.what(), "media token has expired");
}

TEST_F(MediaDeliveryTest, ChecksTheTokenBeforeRevealingAnything) {
  // An unknown track and an unknown file answer 403, not 404, without a valid token.
  Error error = ServeError("not-a-token", ids_.Next(), "nothing-here");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
}

TEST_F(MediaDeliveryTest, StopsServingWhileTheTrackIsReprocessed) {
  std::string token = Token();
  SetStatus(track_.id, TrackStatus::kProcessing, std::nullopt);
  for (std::string rest : {"master.m3u8", "aac_96/seg-00000.m4s", "mp3_96.mp3"}) {
    Error error = ServeError(token, track_.id, rest);
    EXPECT_EQ(error.code(), ErrorCode::kConflict) << rest;
  }
  SetStatus(track_.id, TrackStatus::kFailed, "file is truncated");
  Error error = ServeError(token, track_.id, "manifest.mpd");
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "the track could not be processed: file is truncated");
}

TEST_F(MediaDeliveryTest, ForgetsDeletedTracks) {
  std::string token = Token();
  catalog_->Write([&](CatalogTransaction& tx) { tx.tracks().Delete(track_.id); });
  Error error = ServeError(token, track_.id, "master.m3u8");
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "track not found");
}

TEST_F(MediaDeliveryTest, ReportsABlobMissingFromTheStore) {
  std::string token = Token();
  blobs_.Remove("renditions/" + track_.id + "/job-1/opus_96/seg-00001.m4s");
  Error error = ServeError(token, track_.id, "opus_96/seg-00001.m4s");
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "media file not found");
}

}  // namespace
}  // namespace cadenza::track_testing
