#include "services/events/listening_events.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "domain/error.h"
#include "services/events/event_consumers.h"

namespace cadenza {
namespace {

struct Refusal {
  std::string field;
  std::string reason;
};

bool IsKnownType(std::string_view type) {
  return type == kPlayStarted || type == kPlayProgress || type == kPlayEnded || type == kSkipped;
}

// Play ids go into JSON and keys unescaped: 1..64 of [A-Za-z0-9._:-].
bool IsValidPlayId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == ':' || c == '-';
  });
}

std::optional<Refusal> CheckShape(const ClientEvent& e, Timestamp now,
                                  const ListeningEventPolicy& policy) {
  if (!IsKnownType(e.type)) return Refusal{"type", "unknown type \"" + e.type.substr(0, 40) + "\""};
  if (!IsValidPlayId(e.play_id)) return Refusal{"playId", "must be 1..64 of A-Z a-z 0-9 . _ : -"};
  if (e.position_ms < 0) return Refusal{"positionMs", "must not be negative"};
  if (e.occurred_at > now + policy.max_future.count()) {
    return Refusal{"occurredAt", "is in the future"};
  }
  if (e.occurred_at < now - policy.max_age.count()) return Refusal{"occurredAt", "is too old"};
  return std::nullopt;
}

std::optional<Refusal> CheckTrack(CatalogTransaction& tx, const ClientEvent& e,
                                  const ListeningEventPolicy& policy) {
  std::optional<Track> track;
  if (e.track_id.size() <= 64) track = tx.tracks().FindById(e.track_id);
  if (!track) return Refusal{"trackId", "no such track"};
  if (track->status != TrackStatus::kReady) return Refusal{"trackId", "the track is not ready"};
  std::int64_t duration = track->duration_ms.value_or(0);
  if (e.position_ms > duration + policy.position_slack_ms) {
    return Refusal{"positionMs", "is beyond the track's duration of " + std::to_string(duration) +
                                     " ms"};
  }
  return std::nullopt;
}

[[noreturn]] void Refuse(const std::vector<std::pair<std::size_t, Refusal>>& refusals) {
  std::string message = std::to_string(refusals.size()) + " of the events refused:";
  for (const auto& [index, refusal] : refusals) {
    message += " events[" + std::to_string(index) + "]." + refusal.field + ": " + refusal.reason +
               ";";
  }
  message.pop_back();
  const auto& [index, first] = refusals.front();
  throw InvalidArgument("events[" + std::to_string(index) + "]." + first.field, message);
}

bool ReachesPlay(const ClientEvent& e, const ListeningEventPolicy& policy) {
  return e.type == kPlayEnded ||
         (e.type == kPlayProgress && e.position_ms >= policy.play_threshold_ms);
}

}  // namespace

ListeningEventService::ListeningEventService(Catalog& catalog, const Clock& clock,
                                             const IdGenerator& ids, EventRateLimit& limit,
                                             ListeningEventPolicy policy)
    : catalog_(catalog), clock_(clock), ids_(ids), limit_(limit), policy_(policy) {}

std::vector<std::string> ListeningEventService::Accept(const Principal& caller,
                                                       const std::vector<ClientEvent>& batch) {
  if (batch.empty()) throw InvalidArgument("events", "send at least one event");
  if (batch.size() > policy_.max_batch) {
    throw InvalidArgument("events", "at most " + std::to_string(policy_.max_batch) +
                                        " events in one request");
  }
  limit_.Take(caller.user_id, static_cast<std::int64_t>(batch.size()));
  const Timestamp now = clock_.Now();
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) ids.push_back(ids_.Next());
  catalog_.Write([&](CatalogTransaction& tx) {
    // Every refused event is named, whatever is wrong with it. Local: a transaction rerun
    // after a conflict starts over.
    std::vector<std::pair<std::size_t, Refusal>> refusals;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::optional<Refusal> refusal = CheckShape(batch[i], now, policy_);
      if (!refusal) refusal = CheckTrack(tx, batch[i], policy_);
      if (refusal) refusals.emplace_back(i, *refusal);
    }
    if (!refusals.empty()) Refuse(refusals);
    std::vector<Event> events;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const ClientEvent& e = batch[i];
      Event event{.id = ids[i], .type = e.type, .key = caller.user_id, .user_id = caller.user_id,
                  .subject_id = e.track_id, .position_ms = e.position_ms,
                  .occurred_at = e.occurred_at, .recorded_at = now,
                  .attributes_json = R"({"play_id":")" + e.play_id + "\"}"};
      events.push_back(event);
      auto& listening = tx.listening();
      if (e.type == kPlayStarted) {
        listening.StartPlayThrough(caller.user_id, e.play_id, e.track_id, e.occurred_at);
      } else if (ReachesPlay(e, policy_) &&
                 listening.UncountedPlayThrough(caller.user_id, e.play_id) == e.track_id) {
        listening.MarkPlayThroughCounted(caller.user_id, e.play_id);
        event.id = ids_.Next();
        event.type = kPlayCountedEvent;
        events.push_back(event);
      }
    }
    // Appends last: on PostgreSQL the append lock is then held only until the commit.
    for (const Event& event : events) tx.events().Append(event);
  });
  return ids;
}

}  // namespace cadenza
