// Playback and covers with a blob store that serves clients itself: manifests name the
// store's pre-signed URLs, blob-backed names redirect to fresh ones, and no byte is relayed.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/cover.h"
#include "media/layout.h"
#include "ports/image_processor.h"
#include "services/catalog_service.h"
#include "services/track_service.h"
#include "unit/services/direct_store_fixture.h"

namespace cadenza::direct_testing {
namespace {

class DirectMediaTest : public DirectStoreFixture {
 protected:
  DirectMediaTest() : track_(AddReadyTrack()) {}

  std::vector<Rendition> Renditions() {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.renditions().ListForTrack(track_.id); });
  }
  const Rendition& Find(const std::vector<Rendition>& renditions, std::string_view name) {
    for (const Rendition& r : renditions) {
      if (RenditionName(r.spec) == name) return r;
    }
    throw std::logic_error("no rendition " + std::string(name));
  }
  static std::vector<std::string> UriLines(const std::string& playlist) {
    std::vector<std::string> lines;
    std::istringstream in(playlist);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') lines.push_back(line);
    }
    return lines;
  }
  static int Count(const std::string& text, std::string_view needle) {
    int count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size())) {
      ++count;
    }
    return count;
  }

  Track track_;
};

TEST_F(DirectMediaTest, ProgressiveFilesAreGrantedAsStoreUrlsExpiringWithTheToken) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  ASSERT_EQ(grant.progressive.size(), 3u);
  ASSERT_EQ(grant.progressive_direct.size(), 3u);
  const std::vector<Rendition> renditions = Renditions();
  for (std::size_t i = 0; i < 3; ++i) {
    const Rendition& mp3 = Find(renditions, grant.progressive[i].first);
    EXPECT_EQ(grant.progressive_direct[i].url, MediaStoreUrl(mp3.blob_key, grant.expires_at, kMp3));
    EXPECT_EQ(grant.progressive_direct[i].expires_at, grant.expires_at);
    EXPECT_TRUE(grant.progressive_direct[i].url.starts_with(StoreOrigin() + "renditions/"));
  }
}

TEST_F(DirectMediaTest, MediaPlaylistNamesTheStoreUrlOfTheInitAndEverySegment) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  MediaFile file = delivery_.Serve(grant.token, track_.id, "aac_160/playlist.m3u8");
  ASSERT_EQ(file.kind, MediaFileKind::kManifest);
  const std::vector<Rendition> renditions = Renditions();
  const Rendition& aac = Find(renditions, "aac_160");
  EXPECT_NE(
      file.body.find("#EXT-X-MAP:URI=\"" + MediaStoreUrl(aac.blob_key, grant.expires_at) + "\""),
      std::string::npos)
      << file.body;
  std::vector<std::string> uris = UriLines(file.body);
  ASSERT_EQ(uris.size(), 3u);
  for (std::size_t i = 0; i < uris.size(); ++i) {
    EXPECT_EQ(uris[i], MediaStoreUrl(aac.segments[i].blob_key, grant.expires_at));
  }
  EXPECT_EQ(file.body.find("seg-00000.m4s\n"), std::string::npos);
  EXPECT_EQ(file.body.find("/media/"), std::string::npos);
}

TEST_F(DirectMediaTest, MasterPlaylistStillNamesCadenzasMediaPlaylists) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  MediaFile file = delivery_.Serve(grant.token, track_.id, "master.m3u8");
  std::vector<std::string> uris = UriLines(file.body);
  ASSERT_EQ(uris.size(), 6u);
  for (const std::string& uri : uris) {
    EXPECT_TRUE(uri.ends_with("/playlist.m3u8")) << uri;
    EXPECT_FALSE(uri.starts_with("https://")) << uri;
  }
}

TEST_F(DirectMediaTest, DashManifestListsTheStoreUrlOfEveryFile) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  MediaFile file = delivery_.Serve(grant.token, track_.id, "manifest.mpd");
  ASSERT_EQ(file.kind, MediaFileKind::kManifest);
  EXPECT_EQ(file.body.find("SegmentTemplate"), std::string::npos);
  EXPECT_EQ(file.body.find("seg-$Number"), std::string::npos);
  EXPECT_EQ(Count(file.body, "<Initialization sourceURL=\"" + StoreOrigin()), 6);
  EXPECT_EQ(Count(file.body, "<SegmentURL media=\"" + StoreOrigin()), 18);
  for (const Rendition& rendition : Renditions()) {
    if (!IsCmaf(rendition)) continue;
    for (const Segment& segment : rendition.segments) {
      std::string url = MediaStoreUrl(segment.blob_key, grant.expires_at);
      for (std::size_t at = url.find('&'); at != std::string::npos; at = url.find('&', at + 1)) {
        url.replace(at, 1, "&amp;");
      }
      EXPECT_NE(file.body.find("media=\"" + url + "\""), std::string::npos) << url;
    }
  }
}

TEST_F(DirectMediaTest, BlobBackedNamesRedirectToAFreshStoreUrl) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  const std::vector<Rendition> renditions = Renditions();
  const Rendition& opus = Find(renditions, "opus_96");
  const Rendition& mp3 = Find(renditions, "mp3_320");
  const std::tuple<std::string, std::string, std::string_view> cases[] = {
      {"opus_96/seg-00002.m4s", opus.segments[2].blob_key, kMp4},
      {"opus_96/init.mp4", opus.blob_key, kMp4},
      {"mp3_320.mp3", mp3.blob_key, kMp3},
  };
  for (const auto& [name, key, type] : cases) {
    MediaFile file = delivery_.Serve(grant.token, track_.id, name);
    EXPECT_EQ(file.kind, MediaFileKind::kRedirect) << name;
    EXPECT_EQ(file.grant.url, MediaStoreUrl(key, grant.expires_at, type)) << name;
    EXPECT_EQ(file.blob_key, key);
    EXPECT_FALSE(file.reader) << name;  // nothing was opened for relaying
  }
  EXPECT_EQ(ErrorFrom([&] { delivery_.Serve(grant.token, track_.id, "opus_96/seg-00003.m4s"); })
                .code(),
            ErrorCode::kNotFound);
}

// URLs are signed on every request, never kept with the cached layout: later they carry
// what is left of the token's lifetime.
TEST_F(DirectMediaTest, UrlsAreSignedPerRequestUntilTheTokenExpires) {
  StreamGrant grant = delivery_.IssueStreamGrant(listener_, track_.id);
  std::string before = delivery_.Serve(grant.token, track_.id, "aac_96/playlist.m3u8").body;
  EXPECT_NE(before.find("X-Amz-Expires=7200&"), std::string::npos) << before;
  clock_.Advance(std::chrono::seconds(1000));
  std::string after = delivery_.Serve(grant.token, track_.id, "aac_96/playlist.m3u8").body;
  EXPECT_NE(after.find("X-Amz-Expires=6200&"), std::string::npos) << after;
  EXPECT_EQ(after.find("X-Amz-Expires=7200&"), std::string::npos);
}

TEST_F(DirectMediaTest, GrantsAreCappedAtTheStoresLongestLifetime) {
  MediaDelivery long_lived(*catalog_, blobs_, media_tokens_, clock_,
                           MediaDeliveryOptions{std::chrono::hours(24 * 30)});
  StreamGrant grant = long_lived.IssueStreamGrant(listener_, track_.id);
  EXPECT_EQ(grant.progressive_direct[0].expires_at, kStart + InMemoryBlobStore::kDirectGrantCap);
  MediaFile file = long_lived.Serve(grant.token, track_.id, "aac_96/seg-00000.m4s");
  EXPECT_NE(file.grant.url.find("X-Amz-Expires=604800&"), std::string::npos) << file.grant.url;
}

TEST_F(DirectMediaTest, OriginalUrlNamesTheSniffedTypeNotTheUploaders) {
  OriginalTicket flac = tracks_.IssueOriginalUrl(artist_, track_.id);
  const Timestamp expiry = kStart + std::chrono::milliseconds(std::chrono::seconds(300)).count();
  EXPECT_EQ(flac.grant.url, StoreUrl(track_.blob_key, expiry, "audio/flac", ""));

  // Whatever type a client sent with its PUT, a page is never served as a page.
  blobs_.Put(track_.blob_key, "<html><script>alert(1)</script></html>");
  OriginalTicket page = tracks_.IssueOriginalUrl(artist_, track_.id);
  EXPECT_EQ(page.grant.url, StoreUrl(track_.blob_key, expiry, "application/octet-stream", ""));
}

// A processor that is never asked: OpenCover decodes nothing.
class UnusedImages final : public ImageProcessor {
 public:
  std::vector<CoverImage> MakeCovers(std::string_view, const ImageLimits&) override {
    throw std::logic_error("not expected");
  }
};

TEST_F(DirectMediaTest, CoverIsTheStoresGrantAfterTheAlbumChecks) {
  UnusedImages images;
  CatalogService catalog(*catalog_, blobs_, images, ids_, clock_);
  const std::string version = ids_.Next();
  const std::string prefix = CoverPrefix(album_.id, version);
  catalog_->Write([&](CatalogTransaction& tx) {
    Album album = *tx.albums().FindById(album_.id);
    album.cover_key = prefix;
    album.cover_max_px = 300;
    tx.albums().Update(album);
  });
  blobs_.Put(CoverKey(prefix, 300), "jpeg");

  CoverFile cover = catalog.OpenCover(album_.id, version, 300);
  ASSERT_TRUE(cover.direct);
  EXPECT_FALSE(cover.reader);
  EXPECT_EQ(cover.content_type, "image/jpeg");
  const Timestamp expiry = kStart + std::chrono::milliseconds(kCoverGrantTtl).count();
  EXPECT_EQ(cover.direct->url, StoreUrl(CoverKey(prefix, 300), expiry, "image/jpeg", kCoverCache));
  EXPECT_EQ(cover.direct->expires_at, expiry);
  // The checks of the row still refuse what is not the current cover.
  EXPECT_EQ(ErrorFrom([&] { catalog.OpenCover(album_.id, ids_.Next(), 300); }).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(ErrorFrom([&] { catalog.OpenCover(album_.id, version, 600); }).code(),
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cadenza::direct_testing
