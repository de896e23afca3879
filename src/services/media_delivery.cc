#include "services/media_delivery.h"

#include <algorithm>
#include <utility>

#include "domain/entities.h"
#include "domain/error.h"
#include "domain/permissions.h"
#include "media/dash.h"
#include "media/hls.h"
#include "media/layout.h"

namespace cadenza {

namespace {

constexpr std::string_view kHlsType = "application/vnd.apple.mpegurl";
constexpr std::string_view kDashType = "application/dash+xml";
constexpr std::string_view kMp4Type = "audio/mp4";
constexpr std::string_view kMp3Type = "audio/mpeg";
// A redo writes new keys, so the bytes behind a key never change. Public, unlike Cadenza's own
// media routes (a URL with one listener's token): a store URL is the same for every listener
// in a signing period, and the CDN in front of the store must be allowed to keep the answer.
constexpr std::string_view kImmutableMediaCache = "public, max-age=31536000, immutable";

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

Track FindTrack(CatalogTransaction& tx, std::string_view id) {
  std::optional<Track> track = tx.tracks().FindById(id);
  if (!track) throw NotFound("track not found");
  return *std::move(track);
}

// Only ready tracks have a complete, current set of renditions.
void RequireReady(const Track& track) {
  switch (track.status) {
    case TrackStatus::kReady:
      return;
    case TrackStatus::kProcessing:
      throw Conflict("the track is still being processed; try again when its status is ready");
    case TrackStatus::kFailed:
      throw Error(ErrorCode::kUnprocessable,
                  "the track could not be processed: " + track.error.value_or("unknown error"));
  }
}

struct TrackMedia {
  Track track;
  RenditionCache::Renditions renditions;  // empty unless the track is ready
  std::int64_t holder_token_version = 0;  // of the account the media is (to be) granted to
};

// A media token stops working once its account is gone, disabled, or has revoked its tokens
// (password or role change): checked on every request, by primary key on the primary copy
// (ReadLatest, never a lagging replica), so a revocation is seen at once by every process
// without a cache to invalidate.
std::int64_t CheckHolder(CatalogTransaction& tx, std::string_view user_id,
                         const MediaTokenSigner::Grant* grant) {
  std::optional<User> user = tx.users().FindById(user_id);
  if (!user) {
    throw PermissionDenied("this media URL was revoked: its account no longer exists");
  }
  if (grant == nullptr) return user->token_version;
  if (user->disabled_at) throw PermissionDenied("this media URL was revoked: its account is disabled");
  if (user->token_version != grant->token_version) {
    throw PermissionDenied(
        "this media URL was revoked: its account's password or role changed since; ask for a "
        "new stream URL");
  }
  return user->token_version;
}

// The track and, when it is ready, its renditions, from one snapshot (the renditions from the
// cache when the track has not changed since they were read). `grant`, when given, is checked
// against its account first.
TrackMedia LoadMedia(Catalog& catalog, RenditionCache& cache, std::string_view track_id,
                     std::string_view user_id, const MediaTokenSigner::Grant* grant) {
  const std::int64_t version = catalog.ReadLatestValue(
      [&](CatalogTransaction& tx) { return CheckHolder(tx, user_id, grant); });
  return catalog.ReadValue([&](CatalogTransaction& tx) {
    Track track = FindTrack(tx, track_id);
    RenditionCache::Renditions renditions;
    if (track.status == TrackStatus::kReady) {
      renditions = cache.Get(track.id, track.updated_at,
                             [&] { return tx.renditions().ListForTrack(track.id); });
    } else {
      renditions = std::make_shared<const std::vector<Rendition>>();
    }
    return TrackMedia{std::move(track), std::move(renditions), version};
  });
}

std::string_view ProgressiveType(const Rendition& rendition) {
  return rendition.spec.codec == Codec::kMp3 ? kMp3Type : kMp4Type;
}

MediaFile Manifest(std::string body, std::string_view content_type) {
  MediaFile file;
  file.kind = MediaFileKind::kManifest;
  file.content_type = std::string(content_type);
  file.immutable = false;
  file.size = static_cast<std::int64_t>(body.size());
  file.body = std::move(body);
  return file;
}

const Rendition* FindRendition(const std::vector<Rendition>& renditions, std::string_view name,
                               bool cmaf) {
  for (const Rendition& rendition : renditions) {
    if ((cmaf ? IsCmaf(rendition) : IsProgressive(rendition)) &&
        (cmaf ? RenditionName(rendition.spec) : ProgressiveFileName(rendition.spec)) == name) {
      return &rendition;
    }
  }
  return nullptr;
}

}  // namespace

MediaDelivery::MediaDelivery(Catalog& catalog, BlobStore& blobs, const MediaTokenSigner& signer,
                             const Clock& clock, MediaDeliveryOptions options)
    : catalog_(catalog),
      blobs_(blobs),
      signer_(signer),
      clock_(clock),
      options_(options),
      renditions_(options_.cached_tracks) {}

StreamGrant MediaDelivery::IssueStreamGrant(const Principal& caller, std::string_view track_id) {
  TrackMedia media = LoadMedia(catalog_, renditions_, track_id, caller.user_id, nullptr);
  Authorize(caller, Action::kStream);
  RequireReady(media.track);

  StreamGrant grant;
  grant.track_id = media.track.id;
  grant.album_id = media.track.album_id;
  grant.title = media.track.title;
  grant.loudness = media.track.loudness;
  grant.expires_at = clock_.Now() + Millis(options_.token_ttl);
  grant.token = signer_.Issue(media.track.id, caller.user_id, grant.expires_at,
                              media.holder_token_version);
  grant.hls_master = std::string(kHlsMasterName);
  grant.dash_manifest = std::string(kDashManifestName);
  const bool direct = blobs_.ServesClientsDirectly();
  for (const Rendition& rendition : *media.renditions) {
    if (!IsProgressive(rendition)) continue;
    grant.progressive.emplace_back(RenditionName(rendition.spec),
                                   ProgressiveFileName(rendition.spec));
    if (direct) {
      grant.progressive_direct.push_back(
          ReadGrant(rendition.blob_key, ProgressiveType(rendition), caller.user_id,
                    grant.expires_at));
    }
  }
  return grant;
}

BlobGrant MediaDelivery::ReadGrant(std::string_view blob_key, std::string_view content_type,
                                   std::string_view user_id, Timestamp expires_at) {
  BlobGrantRequest request;
  request.access = BlobAccess::kRead;
  request.key = std::string(blob_key);
  request.expires_at = expires_at;
  request.user_id = std::string(user_id);
  request.content_type = std::string(content_type);
  request.cache_control = std::string(kImmutableMediaCache);
  return blobs_.Grant(request);
}

MediaFile MediaDelivery::OpenFile(std::string_view blob_key, std::string_view content_type,
                                  const MediaTokenSigner::Grant& token) {
  MediaFile file;
  if (blobs_.ServesClientsDirectly()) {
    file.kind = MediaFileKind::kRedirect;
    file.content_type = std::string(content_type);
    file.immutable = true;
    file.blob_key = std::string(blob_key);
    file.grant = ReadGrant(blob_key, content_type, token.user_id, token.expires_at);
    return file;
  }
  file.reader = blobs_.Open(blob_key);
  // The rows were read first: the track may have been deleted or reprocessed since, and its
  // old blobs swept.
  if (!file.reader) throw NotFound("media file not found");
  file.kind = MediaFileKind::kBlob;
  file.content_type = std::string(content_type);
  file.immutable = true;  // a redo writes new blob keys: these bytes never change
  file.blob_key = std::string(blob_key);
  file.size = file.reader->size();
  return file;
}

MediaFile MediaDelivery::Serve(std::string_view token, std::string_view track_id,
                               std::string_view rest) {
  const MediaTokenSigner::Grant grant = signer_.Verify(token, track_id);
  TrackMedia media = LoadMedia(catalog_, renditions_, track_id, grant.user_id, &grant);
  RequireReady(media.track);
  const std::vector<Rendition>& renditions = *media.renditions;
  // A direct store's files are named by its own grants, expiring with the token; signed
  // here on every request, so no URL outlives what the rendition cache keeps.
  BlobUrlFor url_for;
  if (blobs_.ServesClientsDirectly()) {
    url_for = [&](std::string_view blob_key) {
      // Manifests name CMAF init and media segments only.
      return ReadGrant(blob_key, kMp4Type, grant.user_id, grant.expires_at).url;
    };
  }

  if (rest == kHlsMasterName) return Manifest(HlsMasterPlaylist(renditions), kHlsType);
  if (rest == kDashManifestName) return Manifest(DashManifest(renditions, url_for), kDashType);

  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    const Rendition* file = FindRendition(renditions, rest, /*cmaf=*/false);
    if (file == nullptr) throw NotFound("no such media file");
    return OpenFile(file->blob_key, ProgressiveType(*file), grant);
  }
  std::string_view name = rest.substr(0, slash);
  std::string_view file = rest.substr(slash + 1);
  const Rendition* rendition = FindRendition(renditions, name, /*cmaf=*/true);
  if (rendition == nullptr) throw NotFound("no such rendition");
  if (file == kHlsMediaPlaylistName) {
    return Manifest(HlsMediaPlaylist(*rendition, url_for), kHlsType);
  }
  if (file == kInitSegmentName) return OpenFile(rendition->blob_key, kMp4Type, grant);
  std::optional<int> index = ParseSegmentFileName(file);
  if (!index) throw NotFound("no such media file");
  auto segment = std::find_if(rendition->segments.begin(), rendition->segments.end(),
                              [&](const Segment& s) { return s.index == *index; });
  if (segment == rendition->segments.end()) throw NotFound("no such segment");
  return OpenFile(segment->blob_key, kMp4Type, grant);
}

}  // namespace cadenza
