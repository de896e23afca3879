#pragma once
// How an Event travels on Kafka: its topic (by type), and its value as one JSON object of a
// stable, versioned shape that other clients can read:
//   {"v":1,"id":"...","type":"play_started","key":"...","userId":"...","subjectId":"...",
//    "positionMs":0,"occurredAt":<ms since epoch>,"recordedAt":<ms>,"attributes":{...}}
// The message key is Event::key; the event id is also a header (kEventIdHeader).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/event_bus.h"

namespace cadenza::kafka {

inline constexpr const char* kEventIdHeader = "event_id";
inline constexpr const char* kEventTypeHeader = "event_type";

// `<prefix>listening` for the listening events (play_* and skipped), `<prefix>catalog` for the
// rest: listening events are many and short-lived, catalogue events few and kept longer.
std::string TopicFor(const std::string& prefix, const std::string& event_type);
// Every topic TopicFor can name, for a subscription to all events.
std::vector<std::string> AllTopics(const std::string& prefix);

std::string EncodeEvent(const Event& event);
// The event, or nullopt when `value` is not an event of this shape (not JSON, not an object,
// no id or type, a field of the wrong type); `reason` then says what was wrong.
std::optional<Event> DecodeEvent(std::string_view value, std::string* reason);

}  // namespace cadenza::kafka
