// POST /api/v1/events (listening events) and the reads of what the consumers keep:
// GET /api/v1/me/recently-played, GET /api/v1/me/most-played, GET /api/v1/browse/popular.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <cstdint>
#include <limits>

#include "api/common.h"
#include "api/dto.h"
#include "api/routes.h"
#include "domain/error.h"
#include "domain/time.h"
#include "services/events/listening_events.h"
#include "services/events/listening_stats.h"

namespace cadenza::api {

namespace {

// 100 events of a few hundred bytes each fit with room to spare.
constexpr std::int64_t kMaxEventBodyBytes = std::int64_t{64} * 1024;

std::string FieldName(std::size_t index, std::string_view field) {
  return "events[" + std::to_string(index) + "]." + std::string(field);
}

std::string StringMember(const boost::json::object& event, std::size_t index,
                         std::string_view field) {
  const boost::json::value* value = event.if_contains(field);
  if (value == nullptr || !value->is_string()) {
    throw InvalidArgument(FieldName(index, field), FieldName(index, field) + " must be a string");
  }
  const boost::json::string& text = value->get_string();
  return {text.data(), text.size()};
}

std::int64_t IntMember(const boost::json::object& event, std::size_t index,
                       std::string_view field) {
  const boost::json::value* value = event.if_contains(field);
  if (value != nullptr && value->is_int64()) return value->get_int64();
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (value != nullptr && value->is_uint64() && value->get_uint64() <= kMax) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  throw InvalidArgument(FieldName(index, field), FieldName(index, field) + " must be an integer");
}

ClientEvent ParseEvent(const boost::json::value& value, std::size_t index) {
  if (!value.is_object()) {
    std::string name = "events[" + std::to_string(index) + "]";
    throw InvalidArgument(name, name + " must be a JSON object");
  }
  const boost::json::object& event = value.get_object();
  for (const auto& member : event) {
    std::string_view key(member.key().data(), member.key().size());
    if (key != "type" && key != "trackId" && key != "playId" && key != "positionMs" &&
        key != "occurredAtMs") {
      throw InvalidArgument(FieldName(index, key), "unknown field " + FieldName(index, key));
    }
  }
  return ClientEvent{.type = StringMember(event, index, "type"),
                     .track_id = StringMember(event, index, "trackId"),
                     .play_id = StringMember(event, index, "playId"),
                     .position_ms = IntMember(event, index, "positionMs"),
                     .occurred_at = IntMember(event, index, "occurredAtMs")};
}

std::vector<ClientEvent> ParseBatch(const http::Request& request) {
  boost::json::object body = ParseJsonObject(request);
  RejectUnknownFields(body, {"events"});
  const boost::json::value* events = body.if_contains("events");
  if (events == nullptr || !events->is_array()) {
    throw InvalidArgument("events", "events must be an array of events");
  }
  std::vector<ClientEvent> batch;
  batch.reserve(events->get_array().size());
  for (const boost::json::value& value : events->get_array()) {
    batch.push_back(ParseEvent(value, batch.size()));
  }
  return batch;
}

// ?limit=1..50 (default 20), ?offset=0..1000 (default 0).
std::pair<int, int> LimitOffset(const http::Request& request) {
  auto parse = [&](std::string_view name, int fallback, int min, int max) {
    std::optional<std::string> text = request.Query(name);
    if (!text) return fallback;
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
      throw InvalidArgument(std::string(name), std::string(name) + " must be an integer in " +
                                                   std::to_string(min) + ".." +
                                                   std::to_string(max));
    }
    return value;
  };
  return {parse("limit", 20, 1, 50), parse("offset", 0, 0, 1000)};
}

// The offset of the next page, or null after a short page or past the last allowed offset.
boost::json::value NextOffset(std::size_t count, int limit, int offset) {
  if (static_cast<int>(count) == limit && offset + limit <= 1000) return offset + limit;
  return nullptr;
}

http::Response PlayedPage(const std::vector<PlayedTrack>& tracks, int limit, int offset) {
  boost::json::array items;
  for (const PlayedTrack& played : tracks) {
    boost::json::object item{{"track", ToJson(played.track)}, {"plays", played.plays}};
    if (played.last_played_at > 0) item["lastPlayedAt"] = FormatRfc3339(played.last_played_at);
    items.push_back(std::move(item));
  }
  boost::json::object body{{"items", std::move(items)}};
  body["nextOffset"] = NextOffset(tracks.size(), limit, offset);
  return http::Response::Json(200, body);
}

}  // namespace

void RegisterEventRoutes(http::Router& router, ListeningEventService& events,
                         ListeningStats& stats) {
  const http::Access any = http::Access::AnyAccount();
  http::RouteOptions bounded;
  bounded.max_body_bytes = kMaxEventBodyBytes;
  router.AddAuthenticated(
      "POST", "/api/v1/events", any,
      [&](http::Request& request, const Principal& who) {
        std::vector<std::string> ids = events.Accept(who, ParseBatch(request));
        boost::json::array list;
        for (const std::string& id : ids) list.emplace_back(id);
        return http::Response::Json(202, boost::json::object{{"ids", std::move(list)}});
      },
      bounded);
  router.AddAuthenticated("GET", "/api/v1/me/recently-played", any,
                          [&](http::Request& request, const Principal& who) {
                            auto [limit, offset] = LimitOffset(request);
                            return PlayedPage(stats.RecentlyPlayed(who, limit, offset), limit,
                                              offset);
                          });
  router.AddAuthenticated("GET", "/api/v1/me/most-played", any,
                          [&](http::Request& request, const Principal& who) {
                            auto [limit, offset] = LimitOffset(request);
                            return PlayedPage(stats.MostPlayed(who, limit, offset), limit, offset);
                          });
  router.AddAuthenticated("GET", "/api/v1/artists/{id}/top-tracks", any,
                          [&](http::Request& request, const Principal&) {
                            std::string id = PathId(request);
                            auto [limit, offset] = LimitOffset(request);
                            return PlayedPage(stats.TopTracks(id, limit, offset), limit, offset);
                          });
  router.AddAuthenticated(
      "GET", "/api/v1/browse/new-releases", any, [&](http::Request& request, const Principal&) {
        auto [limit, offset] = LimitOffset(request);
        std::vector<Album> albums = stats.NewReleases(limit, offset);
        boost::json::array items;
        for (const Album& album : albums) items.push_back(ToJson(album));
        boost::json::object body{{"items", std::move(items)}};
        body["nextOffset"] = NextOffset(albums.size(), limit, offset);
        return http::Response::Json(200, body);
      });
  router.AddAuthenticated("GET", "/api/v1/browse/popular", any,
                          [&](http::Request& request, const Principal&) {
                            auto [limit, offset] = LimitOffset(request);
                            return PlayedPage(stats.Popular(limit, offset), limit, offset);
                          });
}

}  // namespace cadenza::api
