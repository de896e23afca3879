// /api/v1/tracks...: upload and update URLs, CRUD, stream and original URLs. The URLs of the
// local blob store point at the /blobs endpoint (blob_routes.cc), mounted on its own.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "api/common.h"
#include "api/dto.h"
#include "api/public_base.h"
#include "api/routes.h"
#include "domain/permissions.h"
#include "domain/time.h"
#include "domain/track_rules.h"
#include "http/response.h"
#include "services/media_delivery.h"
#include "services/track_service.h"

namespace cadenza::api {

namespace {

constexpr TextLimits kTrackUrlRule{.min_chars = 1, .max_chars = 2048};

std::string TrackLocation(const Track& track) { return "/api/v1/tracks/" + track.id; }

http::Response CreateTrack(http::Request& request, const Principal& caller, TrackService& tracks,
                           const PublicBase& base) {
  boost::json::object body = ParseJsonObject(request);
  RejectUnknownFields(body, {"albumId", "title", "trackUrl", "trackNumber"});
  NewTrack track;
  track.album_id = RequiredId(body, "albumId");
  track.title = OptionalText(body, "title", kTitleLimits);  // absent: filled from the file's tags
  std::string track_url = base.RootRelative(request, RequiredText(body, "trackUrl", kTrackUrlRule));
  if (auto number = OptionalInt(body, "trackNumber", kMinTrackNumber, kMaxTrackNumber)) {
    track.track_number = static_cast<int>(*number);
  }
  track.upload_key = UploadKeyFromTrackUrl(track_url);
  Track created = tracks.Create(caller, track);
  http::Response response = http::Response::Json(201, ToJson(created));
  response.SetHeader("Location", TrackLocation(created));
  return response;
}

http::Response PatchTrack(http::Request& request, const Principal& caller, TrackService& tracks,
                          const PublicBase& base) {
  std::string id = PathId(request);
  boost::json::object body = ParseJsonObject(request);
  RejectUnknownFields(body, {"albumId", "title", "trackUrl", "trackNumber"});
  TrackPatch patch;
  if (body.contains("albumId")) patch.album_id = RequiredId(body, "albumId");
  patch.title = OptionalText(body, "title", kTitleLimits);
  std::optional<std::string> track_url = OptionalText(body, "trackUrl", kTrackUrlRule);
  const boost::json::value* number = body.if_contains("trackNumber");
  if (number != nullptr && number->is_null()) {
    patch.clear_track_number = true;
  } else if (auto value = OptionalInt(body, "trackNumber", kMinTrackNumber, kMaxTrackNumber)) {
    patch.track_number = static_cast<int>(*value);
  }
  if (track_url) patch.upload_key = UploadKeyFromTrackUrl(base.RootRelative(request, *track_url));
  return http::Response::Json(200, ToJson(tracks.Update(caller, id, patch)));
}

}  // namespace

void RegisterTrackRoutes(http::Router& router, TrackService& tracks, MediaDelivery& media,
                         const PublicBase& base) {
  const http::Access reader = http::Access::AnyAccount();
  // Only roles that may upload or write the catalogue get this far; the service checks
  // ownership.
  const http::Access uploader = http::Access::RoleFor(Action::kUpload);
  const http::Access writer = http::Access::RoleFor(Action::kModifyCatalog);
  // Fixed paths before "/api/v1/tracks/{id}", so they win whatever order the router tries.
  router.AddAuthenticated("GET", "/api/v1/tracks/upload-url", uploader,
                          [&](http::Request& request, const Principal& caller) {
    return http::Response::Json(200, ToJson(tracks.IssueUploadUrl(caller), base.For(request)));
  });
  router.AddAuthenticated("GET", "/api/v1/tracks/update-url/{id}", writer,
                          [&](http::Request& request, const Principal& caller) {
    UploadTicket ticket = tracks.IssueUpdateUrl(caller, PathId(request));
    return http::Response::Json(200, ToJson(ticket, base.For(request)));
  });
  router.AddAuthenticated(
      "GET", "/api/v1/tracks", reader, [&](http::Request& request, const Principal& caller) {
    Page<Track> page = tracks.List(caller, ParsePage(request));
    boost::json::array items;
    for (const Track& track : page.items) items.emplace_back(ToJson(track));
    return http::Response::Json(200, PageBody(std::move(items), page.next_after_id));
  });
  router.AddAuthenticated("POST", "/api/v1/tracks", writer,
                          [&](http::Request& request, const Principal& caller) {
                            return CreateTrack(request, caller, tracks, base);
  });
  router.AddAuthenticated(
      "GET", "/api/v1/tracks/{id}", reader, [&](http::Request& request, const Principal& caller) {
    return http::Response::Json(200, ToJson(tracks.Get(caller, PathId(request))));
  });
  router.AddAuthenticated("PATCH", "/api/v1/tracks/{id}", writer,
                          [&](http::Request& request, const Principal& caller) {
                            return PatchTrack(request, caller, tracks, base);
  });
  router.AddAuthenticated("DELETE", "/api/v1/tracks/{id}", writer,
                          [&](http::Request& request, const Principal& caller) {
    std::string id = PathId(request);
    tracks.Delete(caller, id);
    return http::Response::Json(200, boost::json::object{{"id", id}});
  });
  router.AddAuthenticated("GET", "/api/v1/tracks/{id}/stream", reader,
                          [&](http::Request& request, const Principal& caller) {
    StreamGrant grant = media.IssueStreamGrant(caller, PathId(request));
    return http::Response::Json(200, StreamUrlsJson(grant, base.For(request)));
  });
  router.AddAuthenticated(
      "GET", "/api/v1/tracks/{id}/original", writer,
      [&](http::Request& request, const Principal& caller) {
    OriginalTicket ticket = tracks.IssueOriginalUrl(caller, PathId(request));
    return http::Response::Json(200, ToJson(ticket, base.For(request)));
  });
}

}  // namespace cadenza::api
