#include "adapters/kafka/event_codec.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace cadenza::kafka {

namespace {

namespace json = boost::json;

constexpr std::int64_t kFormatVersion = 1;

std::string StringField(const json::object& object, std::string_view name, bool required) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) {
    if (required) throw std::invalid_argument("no \"" + std::string(name) + "\"");
    return {};
  }
  if (!value->is_string()) throw std::invalid_argument("\"" + std::string(name) + "\" is not a string");
  return std::string(value->as_string());
}

std::int64_t IntegerField(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) return 0;
  if (!value->is_int64()) throw std::invalid_argument("\"" + std::string(name) + "\" is not an integer");
  return value->as_int64();
}

}  // namespace

std::string TopicFor(const std::string& prefix, const std::string& event_type) {
  bool listening = event_type.rfind("play_", 0) == 0 || event_type == "skipped";
  return prefix + (listening ? "listening" : "catalog");
}

std::vector<std::string> AllTopics(const std::string& prefix) {
  return {prefix + "listening", prefix + "catalog"};
}

std::string EncodeEvent(const Event& event) {
  json::object object;
  object["v"] = kFormatVersion;
  object["id"] = event.id;
  object["type"] = event.type;
  object["key"] = event.key;
  object["userId"] = event.user_id;
  object["subjectId"] = event.subject_id;
  object["positionMs"] = event.position_ms;
  object["occurredAt"] = event.occurred_at;
  object["recordedAt"] = event.recorded_at;
  // Embedded as an object, not a string in a string, so that other clients read it as JSON.
  // Attributes that do not parse (a bug upstream) travel as an empty object.
  boost::system::error_code ec;
  json::value attributes = json::parse(event.attributes_json, ec);
  object["attributes"] = (ec || !attributes.is_object()) ? json::value(json::object()) : attributes;
  return json::serialize(object);
}

std::optional<Event> DecodeEvent(std::string_view value, std::string* reason) {
  boost::system::error_code ec;
  json::value parsed = json::parse(value, ec);
  try {
    if (ec) throw std::invalid_argument("not JSON (" + ec.message() + ")");
    if (!parsed.is_object()) throw std::invalid_argument("not a JSON object");
    const json::object& object = parsed.as_object();
    if (IntegerField(object, "v") != kFormatVersion) throw std::invalid_argument("unknown format version");
    Event event;
    event.id = StringField(object, "id", true);
    event.type = StringField(object, "type", true);
    if (event.id.empty() || event.type.empty()) throw std::invalid_argument("empty id or type");
    event.key = StringField(object, "key", false);
    event.user_id = StringField(object, "userId", false);
    event.subject_id = StringField(object, "subjectId", false);
    event.position_ms = IntegerField(object, "positionMs");
    event.occurred_at = IntegerField(object, "occurredAt");
    event.recorded_at = IntegerField(object, "recordedAt");
    const json::value* attributes = object.if_contains("attributes");
    if (attributes != nullptr && !attributes->is_null()) {
      if (!attributes->is_object()) throw std::invalid_argument("\"attributes\" is not an object");
      event.attributes_json = json::serialize(*attributes);
    }
    return event;
  } catch (const std::invalid_argument& e) {
    if (reason != nullptr) *reason = e.what();
    return std::nullopt;
  }
}

}  // namespace cadenza::kafka
