// /api/v1/tracks...: upload and update URLs, CRUD, stream and original URLs. The URLs of the
// local blob store point at the /blobs endpoint (blob_routes.cc), mounted on its own.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "api/common.h"
#include "api/dto.h"
#include "api/public_base.h"
#include "api/routes.h"
#include "domain/time.h"
#include "domain/track_rules.h"
#include "http/response.h"
#include "services/media_delivery.h"
#include "services/track_service.h"

namespace cadenza::api {

namespace {

constexpr TextLimits kTrackUrlRule{.min_chars = 1, .max_chars = 2048};

std::string TrackLocation(const Track& track) { return "/api/v1/tracks/" + track.id; }

http::Response CreateTrack(http::Request& request, AccountService& accounts,
                           TrackService& tracks, const PublicBase& base) {
  Principal caller = Authenticate(request, accounts);
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

http::Response PatchTrack(http::Request& request, AccountService& accounts,
                          TrackService& tracks, const PublicBase& base) {
  Principal caller = Authenticate(request, accounts);
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

void RegisterTrackRoutes(http::Router& router, AccountService& accounts, TrackService& tracks,
                         MediaDelivery& media, const PublicBase& base) {
  // Fixed paths before "/api/v1/tracks/{id}", so they win whatever order the router tries.
  router.Add("GET", "/api/v1/tracks/upload-url", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    return http::Response::Json(200, ToJson(tracks.IssueUploadUrl(caller), base.For(request)));
  });
  router.Add("GET", "/api/v1/tracks/update-url/{id}", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    UploadTicket ticket = tracks.IssueUpdateUrl(caller, PathId(request));
    return http::Response::Json(200, ToJson(ticket, base.For(request)));
  });
  router.Add("GET", "/api/v1/tracks", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    Page<Track> page = tracks.List(caller, ParsePage(request));
    boost::json::array items;
    for (const Track& track : page.items) items.emplace_back(ToJson(track));
    return http::Response::Json(200, PageBody(std::move(items), page.next_after_id));
  });
  router.Add("POST", "/api/v1/tracks", [&](http::Request& request) {
    return CreateTrack(request, accounts, tracks, base);
  });
  router.Add("GET", "/api/v1/tracks/{id}", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    return http::Response::Json(200, ToJson(tracks.Get(caller, PathId(request))));
  });
  router.Add("PATCH", "/api/v1/tracks/{id}", [&](http::Request& request) {
    return PatchTrack(request, accounts, tracks, base);
  });
  router.Add("DELETE", "/api/v1/tracks/{id}", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    std::string id = PathId(request);
    tracks.Delete(caller, id);
    return http::Response::Json(200, boost::json::object{{"id", id}});
  });
  router.Add("GET", "/api/v1/tracks/{id}/stream", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    StreamGrant grant = media.IssueStreamGrant(caller, PathId(request));
    return http::Response::Json(200, StreamUrlsJson(grant, base.For(request)));
  });
  router.Add("GET", "/api/v1/tracks/{id}/original", [&](http::Request& request) {
    Principal caller = Authenticate(request, accounts);
    OriginalTicket ticket = tracks.IssueOriginalUrl(caller, PathId(request));
    return http::Response::Json(200, ToJson(ticket, base.For(request)));
  });
}

}  // namespace cadenza::api
