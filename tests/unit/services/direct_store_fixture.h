#pragma once
// Shared set-up for the tests of the flows with a blob store that serves clients itself
// (BlobStore::ServesClientsDirectly): the catalogue of the build's engines, a store handing
// out pre-signed URLs (unit/support/test_engines.h: an InMemoryBlobStore standing in for a
// bucket with "https://bucket.test/..." URLs, or a bucket on s3rver in the engines build, with
// PostgreSQL), the services under test, and a ready track whose renditions' blobs are stored.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "domain/principal.h"
#include "media/layout.h"
#include "services/id_generator.h"
#include "services/media_delivery.h"
#include "services/media_token.h"
#include "services/track_service.h"
#include "unit/support/catalog_seed.h"
#include "unit/support/error_from.h"
#include "unit/support/in_memory_blob_store.h"
#include "unit/support/test_engines.h"
#include "unit/support/test_fixtures.h"

namespace cadenza::direct_testing {

inline constexpr Timestamp kStart = 1'800'000'000'000;  // 2027-01-15
inline constexpr std::chrono::seconds kTokenTtl{7200};
inline constexpr std::int64_t kMaxUpload = 1000;
// What the bucket must answer media files and covers with: what Cadenza's own routes say.
inline constexpr std::string_view kMp4 = "audio/mp4";
inline constexpr std::string_view kMp3 = "audio/mpeg";
inline constexpr std::string_view kMediaCache = "public, max-age=31536000, immutable";
inline constexpr std::string_view kCoverCache = "public, max-age=31536000, immutable";

using test_support::ErrorFrom;
using test_support::GrantStyle;
using test_support::InMemoryBlobStore;
using test_support::ManualClock;
using test_support::TempDir;

class DirectStoreFixture : public ::testing::Test {
 protected:
  explicit DirectStoreFixture(AccountLimits limits = {})
      : clock_(kStart),
        catalog_(test_support::OpenTestCatalog(dir_.path())),
        direct_(test_support::OpenTestDirectBlobStore(clock_)),
        blobs_(*direct_.store),
        ids_(clock_),
        tracks_(*catalog_, blobs_, ids_, clock_, Options(limits)),
        media_tokens_(std::string(40, 'm'), clock_),
        delivery_(*catalog_, blobs_, media_tokens_, clock_, MediaDeliveryOptions{kTokenTtl}) {
    artist_ = test_support::SeedUser(*catalog_, ids_, clock_, Role::kArtist);
    listener_ = test_support::SeedUser(*catalog_, ids_, clock_, Role::kListener);
    album_ = test_support::SeedAlbum(*catalog_, ids_, clock_, artist_);
  }

  static TrackOptions Options(AccountLimits limits) {
    TrackOptions options;
    options.upload_ttl = std::chrono::seconds(600);
    options.stream_ttl = std::chrono::seconds(300);
    options.max_upload_bytes = kMaxUpload;
    options.limits = limits;
    return options;
  }

  // What a client's PUT to the pre-signed URL does: the bytes land in the store, unseen.
  static void PutToStore(BlobStore& blobs, const UploadTicket& ticket, std::int64_t size) {
    blobs.Put(ticket.blob_key, std::string(static_cast<std::size_t>(size), 'a'));
  }

  // A ready track with CMAF AAC and Opus renditions of three segments and progressive MP3s.
  Track AddReadyTrack() {
    Track track;
    track.id = ids_.Next();
    track.album_id = album_.id;
    track.title = "Overture";
    track.blob_key = "originals/" + track.id;
    track.blob_size = 10;
    track.status = TrackStatus::kReady;
    track.progress = 1;
    track.duration_ms = 14000;
    track.created_at = track.updated_at = clock_.Now();
    blobs_.Put(track.blob_key, "fLaC......");
    const std::string prefix = "renditions/" + track.id + "/job-1/";
    std::vector<Rendition> renditions;
    for (const RenditionSpec& spec : StandardRenditions()) {
      Rendition r;
      r.track_id = track.id;
      r.spec = spec;
      r.sample_rate = 48000;
      r.channels = 2;
      r.timescale = 48000;
      r.duration = 672000;
      r.average_bitrate = spec.bitrate_kbps * 1000;
      r.peak_bitrate = spec.bitrate_kbps * 1050;
      if (spec.codec == Codec::kMp3) {
        r.packaging = std::string(kProgressivePackaging);
        r.codecs = "mp3";
        r.blob_key = prefix + ProgressiveFileName(spec);
      } else {
        r.packaging = std::string(kCmafPackaging);
        r.codecs = spec.codec == Codec::kAac ? "mp4a.40.2" : "opus";
        r.blob_key = prefix + InitSegmentPath(spec);
        const std::int64_t durations[] = {288000, 288000, 96000};
        for (int i = 0; i < 3; ++i) {
          Segment segment;
          segment.index = i;
          segment.blob_key = prefix + SegmentPath(spec, i);
          segment.duration = durations[i];
          segment.size_bytes = 8;
          blobs_.Put(segment.blob_key, "segment!");
          r.segments.push_back(segment);
        }
      }
      r.size_bytes = 8;
      blobs_.Put(r.blob_key, "bytes...");
      renditions.push_back(r);
    }
    catalog_->Write([&](CatalogTransaction& tx) {
      tx.tracks().Insert(track);
      tx.renditions().ReplaceForTrack(track.id, renditions);
    });
    return track;
  }

  // The URL the store hands out for reading `key` now until `expires_at`, answered with
  // `content_type` and `cache_control`.
  std::string StoreUrl(const std::string& key, Timestamp expires_at,
                       std::string_view content_type, std::string_view cache_control) {
    BlobGrantRequest request;
    request.key = key;
    request.expires_at = expires_at;
    request.content_type = std::string(content_type);
    request.cache_control = std::string(cache_control);
    return blobs_.Grant(request).url;
  }
  // The same for a rendition file, answered as Cadenza's media routes answer it.
  std::string MediaStoreUrl(const std::string& key, Timestamp expires_at,
                            std::string_view content_type = kMp4) {
    return StoreUrl(key, expires_at, content_type, kMediaCache);
  }

  // Where the store's grant URLs point: the key follows.
  const std::string& StoreOrigin() const { return direct_.grant_origin; }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Catalog> catalog_;
  test_support::DirectTestStore direct_;
  BlobStore& blobs_;
  IdGenerator ids_;
  TrackService tracks_;
  MediaTokenSigner media_tokens_;
  MediaDelivery delivery_;
  Principal artist_, listener_;
  Album album_;
};

}  // namespace cadenza::direct_testing
