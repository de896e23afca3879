// Stream URLs and the /media endpoint's files, over the real SQLite catalogue and a real
// LocalBlobStore holding hand-made renditions.
#include "services/media_delivery.h"

#include <gtest/gtest.h>

#include <functional>
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

  std::string Token() { return delivery_.IssueStreamGrant(listener_, track_.id).token; }

  // A manifest as Serve returns it: generated text, never cached for long.
  static void ExpectManifest(const MediaFile& file, std::string_view content_type) {
    EXPECT_EQ(file.kind, MediaFileKind::kManifest);
    EXPECT_EQ(file.content_type, content_type);
    EXPECT_FALSE(file.immutable);
    EXPECT_FALSE(file.reader);
    EXPECT_TRUE(file.blob_key.empty());
    EXPECT_EQ(file.size, static_cast<std::int64_t>(file.body.size()));
  }

  // A stored blob as Serve returns it: its key from the database, immutable, readable.
  static void ExpectBlob(MediaFile& file, std::string_view content_type,
                         const std::string& blob_key, const std::string& bytes) {
    EXPECT_EQ(file.kind, MediaFileKind::kBlob);
    EXPECT_EQ(file.content_type, content_type);
    EXPECT_TRUE(file.immutable);
    EXPECT_EQ(file.blob_key, blob_key);
    EXPECT_EQ(file.size, static_cast<std::int64_t>(bytes.size()));
    EXPECT_TRUE(file.body.empty());
    ASSERT_TRUE(file.reader);
    EXPECT_EQ(ReadAll(*file.reader), bytes);
  }

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
    return ErrorFrom([&] { delivery_.Serve(token, track_id, rest); });
  }

  MediaTokenSigner media_tokens_;
  MediaDelivery delivery_;
  Track track_;
};

// --- Stream grants ---

TEST_F(MediaDeliveryTest, GrantsATokenForTheTracksFiles) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  EXPECT_EQ(grant.hls_master, "master.m3u8");
  EXPECT_EQ(grant.dash_manifest, "manifest.mpd");
  ASSERT_EQ(grant.progressive.size(), 3u);
  EXPECT_EQ(grant.progressive[0], std::pair(std::string("mp3_96"), std::string("mp3_96.mp3")));
  EXPECT_EQ(grant.progressive[1], std::pair(std::string("mp3_160"), std::string("mp3_160.mp3")));
  EXPECT_EQ(grant.progressive[2], std::pair(std::string("mp3_320"), std::string("mp3_320.mp3")));
  EXPECT_EQ(grant.expires_at, kStart + 7'200'000);
  EXPECT_EQ(grant.track_id, track_.id);
  EXPECT_EQ(grant.album_id, album_.id);
  EXPECT_EQ(grant.title, "Overture");
  ASSERT_TRUE(grant.loudness);
  EXPECT_DOUBLE_EQ(grant.loudness->integrated_lufs, -9.5);
  EXPECT_DOUBLE_EQ(grant.loudness->gain_db, -4.5);

  MediaTokenSigner::Grant verified = media_tokens_.Verify(grant.token, track_.id);
  EXPECT_EQ(verified.user_id, listener_.user_id);
  EXPECT_EQ(verified.expires_at, grant.expires_at);

  // Every file the grant names opens with its token.
  for (const std::string& file : {grant.hls_master, grant.dash_manifest,
                                  grant.progressive[0].second, grant.progressive[2].second}) {
    EXPECT_NO_THROW(delivery_.Serve(grant.token, track_.id, file)) << file;
  }
}

TEST_F(MediaDeliveryTest, IssuingRefusesUnknownTracks) {
  Error error = ErrorFrom([&] { delivery_.IssueStreamGrant(listener_, ids_.Next()); });
  EXPECT_EQ(error.code(), ErrorCode::kNotFound);
  EXPECT_STREQ(error.what(), "track not found");
}

TEST_F(MediaDeliveryTest, IssuingWaitsForProcessing) {
  SetStatus(track_.id, TrackStatus::kProcessing, std::nullopt);
  Error error = ErrorFrom([&] { delivery_.IssueStreamGrant(listener_, track_.id); });
  EXPECT_EQ(error.code(), ErrorCode::kConflict);
  EXPECT_STREQ(error.what(),
               "the track is still being processed; try again when its status is ready");
}

TEST_F(MediaDeliveryTest, IssuingExplainsAFailure) {
  SetStatus(track_.id, TrackStatus::kFailed, "not an audio file");
  Error error = ErrorFrom([&] { delivery_.IssueStreamGrant(listener_, track_.id); });
  EXPECT_EQ(error.code(), ErrorCode::kUnprocessable);
  EXPECT_STREQ(error.what(), "the track could not be processed: not an audio file");
}

// --- Serving ---

TEST_F(MediaDeliveryTest, ServesTheMasterPlaylistFromTheDatabase) {
  MediaFile file = delivery_.Serve(Token(), track_.id, "master.m3u8");
  ExpectManifest(file, "application/vnd.apple.mpegurl");
  EXPECT_EQ(file.body, HlsMasterPlaylist(Renditions(track_.id)));
  EXPECT_NE(file.body.find("\naac_96/playlist.m3u8\n"), std::string::npos);
  EXPECT_NE(file.body.find("CODECS=\"opus\"\nopus_320/playlist.m3u8\n"), std::string::npos);
  EXPECT_EQ(file.body.find("mp3"), std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesTheDashManifest) {
  MediaFile file = delivery_.Serve(Token(), track_.id, "manifest.mpd");
  ExpectManifest(file, "application/dash+xml");
  EXPECT_EQ(file.body, DashManifest(Renditions(track_.id)));
  EXPECT_NE(file.body.find("<S t=\"0\" d=\"288000\" r=\"1\"/>"), std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesMediaPlaylists) {
  MediaFile file = delivery_.Serve(Token(), track_.id, "opus_160/playlist.m3u8");
  ExpectManifest(file, "application/vnd.apple.mpegurl");
  EXPECT_NE(file.body.find("#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.000000,\nseg-00000.m4s\n"),
            std::string::npos);
  EXPECT_NE(file.body.find("#EXTINF:2.000000,\nseg-00002.m4s\n#EXT-X-ENDLIST\n"),
            std::string::npos);
}

TEST_F(MediaDeliveryTest, ServesInitAndMediaSegmentsAsImmutableBlobs) {
  std::string token = Token();
  std::string prefix = "renditions/" + track_.id + "/job-1/aac_160/";

  MediaFile init = delivery_.Serve(token, track_.id, "aac_160/init.mp4");
  ExpectBlob(init, "audio/mp4", prefix + "init.mp4", "ftyp aac_160");

  MediaFile segment = delivery_.Serve(token, track_.id, "aac_160/seg-00002.m4s");
  ExpectBlob(segment, "audio/mp4", prefix + "seg-00002.m4s", "moof aac_160 #2");
}

TEST_F(MediaDeliveryTest, ServesProgressiveFiles) {
  MediaFile file = delivery_.Serve(Token(), track_.id, "mp3_320.mp3");
  ExpectBlob(file, "audio/mpeg", "renditions/" + track_.id + "/job-1/mp3_320.mp3", "ID3 mp3_320");
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

// --- Revocation ---

void ChangeUser(Catalog& catalog, const std::string& id, const std::function<void(User&)>& edit) {
  catalog.Write([&](CatalogTransaction& tx) {
    User user = *tx.users().FindById(id);
    edit(user);
    tx.users().Update(user);
  });
}

TEST_F(MediaDeliveryTest, ATokenVersionBumpRevokesEarlierMediaUrls) {
  std::string before = Token();
  ChangeUser(*catalog_, listener_.user_id, [](User& u) { ++u.token_version; });
  Error error = ServeError(before, track_.id, "master.m3u8");
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(std::string(error.what()).find("this media URL was revoked"), std::string::npos);
  // A grant issued after the bump carries the new version and works.
  std::string after = Token();
  EXPECT_EQ(media_tokens_.Verify(after, track_.id).token_version, 1);
  EXPECT_NO_THROW(delivery_.Serve(after, track_.id, "master.m3u8"));
}

TEST_F(MediaDeliveryTest, ADisabledOrDeletedAccountsMediaUrlsStopWorking) {
  std::string token = Token();
  ChangeUser(*catalog_, listener_.user_id, [&](User& u) { u.disabled_at = clock_.Now(); });
  Error disabled = ServeError(token, track_.id, "aac_160/init.mp4");
  EXPECT_EQ(disabled.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(disabled.what(), "this media URL was revoked: its account is disabled");

  catalog_->Write([&](CatalogTransaction& tx) { tx.users().Delete(listener_.user_id); });
  Error deleted = ServeError(token, track_.id, "aac_160/init.mp4");
  EXPECT_EQ(deleted.code(), ErrorCode::kPermissionDenied);
  EXPECT_STREQ(deleted.what(), "this media URL was revoked: its account no longer exists");
}

}  // namespace
}  // namespace cadenza::track_testing
