// /api/v1/playlists... (CRUD and entries).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "api/common.h"
#include "api/dto.h"
#include "api/routes.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "domain/time.h"
#include "services/playlist_service.h"

namespace cadenza::api {

namespace {

constexpr std::int64_t kMaxPosition = static_cast<std::int64_t>(PlaylistService::kMaxEntries);

boost::json::object PlaylistBody(const PlaylistWithEntries& playlist) {
  boost::json::object body = ToJson(playlist.playlist);
  boost::json::array entries;
  entries.reserve(playlist.entries.size());
  for (const PlaylistItem& item : playlist.entries) {
    entries.push_back(boost::json::object{
        {"position", item.position},
        {"addedAt", FormatRfc3339(item.added_at)},
        {"track", ToJson(item.track)},
    });
  }
  body["entries"] = std::move(entries);
  return body;
}

std::vector<std::string> TrackIds(const boost::json::object& body) {
  const boost::json::value* value = body.if_contains("trackIds");
  if (value == nullptr || value->is_null()) {
    throw InvalidArgument("trackIds", "trackIds is required");
  }
  if (!value->is_array())
    throw InvalidArgument("trackIds", "trackIds must be an array of track ids");
  const boost::json::array& array = value->get_array();
  if (array.empty()) throw InvalidArgument("trackIds", "trackIds must name at least one track");
  if (array.size() > PlaylistService::kMaxEntries) {
    throw InvalidArgument("trackIds", "trackIds may name at most " +
                                          std::to_string(PlaylistService::kMaxEntries) + " tracks");
  }
  std::vector<std::string> ids;
  ids.reserve(array.size());
  for (const boost::json::value& item : array) {
    if (!item.is_string() ||
        !IsUuid(std::string_view(item.get_string().data(), item.get_string().size()))) {
      throw InvalidArgument("trackIds",
                            "trackIds must be an array of track ids (lower-case UUIDs)");
    }
    ids.emplace_back(item.get_string().data(), item.get_string().size());
  }
  return ids;
}

int RequiredPosition(const boost::json::object& body, std::string_view field) {
  std::optional<std::int64_t> value = OptionalInt(body, field, 0, kMaxPosition);
  if (!value) throw InvalidArgument(std::string(field), std::string(field) + " is required");
  return static_cast<int>(*value);
}

// The {position} path segment: a non-negative integer; anything else names no entry.
int PathPosition(const http::Request& request) {
  const std::string& text = request.Param("position");
  int value = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 0) {
    throw NotFound("playlist has no entry at position \"" + text + "\"");
  }
  return value;
}

// Any account; who may see or change a playlist depends on it (the service decides).
const http::Access kMember = http::Access::AnyAccount();

// /api/v1/playlists and /api/v1/playlists/{id}.
void RegisterPlaylistResourceRoutes(http::Router& router, PlaylistService& playlists) {
  const http::Access& member = kMember;
  router.AddAuthenticated(
      "GET", "/api/v1/playlists", member, [&](http::Request& request, const Principal& who) {
        bool mine_only = MineOnly(request);
        Page<Playlist> page = playlists.List(who, mine_only, ParsePage(request));
        boost::json::array items;
        items.reserve(page.items.size());
        for (const Playlist& playlist : page.items) items.push_back(ToJson(playlist));
        return http::Response::Json(200, PageBody(std::move(items), page.next_after_id));
      });

  router.AddAuthenticated(
      "POST", "/api/v1/playlists", member, [&](http::Request& request, const Principal& who) {
        boost::json::object body = ParseJsonObject(request);
        RejectUnknownFields(body, {"name", "description", "public"});
        PlaylistDraft draft;
        draft.name = RequiredText(body, "name", kNameLimits);
        draft.description =
            OptionalText(body, "description", kDescriptionLimits, /*null_clears=*/true);
        draft.is_public = OptionalBool(body, "public").value_or(false);
        Playlist playlist = playlists.Create(who, draft);
        boost::json::object created = PlaylistBody(PlaylistWithEntries{playlist, {}});
        http::Response response = http::Response::Json(201, created);
        response.SetHeader("Location", "/api/v1/playlists/" + playlist.id);
        return response;
      });

  router.AddAuthenticated(
      "GET", "/api/v1/playlists/{id}", member, [&](http::Request& request, const Principal& who) {
        return http::Response::Json(200, PlaylistBody(playlists.Get(who, PathId(request))));
      });

  router.AddAuthenticated(
      "PATCH", "/api/v1/playlists/{id}", member, [&](http::Request& request, const Principal& who) {
        std::string id = PathId(request);
        boost::json::object body = ParseJsonObject(request);
        RejectUnknownFields(body, {"name", "description", "public"});
        PlaylistPatch patch;
        patch.name = OptionalText(body, "name", kNameLimits);
        patch.description =
            OptionalText(body, "description", kDescriptionLimits, /*null_clears=*/true);
        patch.is_public = OptionalBool(body, "public");
        return http::Response::Json(200, ToJson(playlists.Update(who, id, patch)));
      });

  router.AddAuthenticated("DELETE", "/api/v1/playlists/{id}", member,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            playlists.Delete(who, id);
                            return http::Response::Json(200, boost::json::object{{"id", id}});
                          });
}

// /api/v1/playlists/{id}/tracks...: the entries.
void RegisterPlaylistEntryRoutes(http::Router& router, PlaylistService& playlists) {
  const http::Access& member = kMember;
  router.AddAuthenticated(
      "POST", "/api/v1/playlists/{id}/tracks", member,
      [&](http::Request& request, const Principal& who) {
        std::string id = PathId(request);
        boost::json::object body = ParseJsonObject(request);
        RejectUnknownFields(body, {"trackIds", "position"});
        std::vector<std::string> track_ids = TrackIds(body);
        std::optional<std::int64_t> position = OptionalInt(body, "position", 0, kMaxPosition);
        std::optional<int> at;
        if (position) at = static_cast<int>(*position);
        return http::Response::Json(200, PlaylistBody(playlists.AddTracks(who, id, track_ids, at)));
      });

  router.AddAuthenticated("DELETE", "/api/v1/playlists/{id}/tracks/{position}", member,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            int position = PathPosition(request);
                            return http::Response::Json(
                                200, PlaylistBody(playlists.RemoveEntry(who, id, position)));
                          });

  router.AddAuthenticated("POST", "/api/v1/playlists/{id}/move", member,
                          [&](http::Request& request, const Principal& who) {
                            std::string id = PathId(request);
                            boost::json::object body = ParseJsonObject(request);
                            RejectUnknownFields(body, {"from", "to"});
                            int from = RequiredPosition(body, "from");
                            int to = RequiredPosition(body, "to");
                            return http::Response::Json(
                                200, PlaylistBody(playlists.MoveEntry(who, id, from, to)));
                          });
}

}  // namespace

void RegisterPlaylistRoutes(http::Router& router, PlaylistService& playlists) {
  RegisterPlaylistResourceRoutes(router, playlists);
  RegisterPlaylistEntryRoutes(router, playlists);
}

}  // namespace cadenza::api
