#pragma once
// Listening events from players: validated, given server ids and recorded in the outbox in
// one transaction, together with a `play_counted` record for each play-through that becomes a
// play (see ListeningEventService::Accept).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/events/event_rate_limit.h"
#include "services/id_generator.h"

namespace cadenza {

inline constexpr std::string_view kPlayStarted = "play_started";
inline constexpr std::string_view kPlayProgress = "play_progress";
inline constexpr std::string_view kPlayEnded = "play_ended";
inline constexpr std::string_view kSkipped = "skipped";

// One event as a player reports it.
struct ClientEvent {
  std::string type;      // one of the four above
  std::string track_id;
  std::string play_id;   // chosen by the player, shared by the events of one play-through
  std::int64_t position_ms = 0;
  Timestamp occurred_at = 0;  // the player's clock
};

struct ListeningEventPolicy {
  std::size_t max_batch = 100;
  // A position may pass the track's duration by this much (players round, and report late).
  std::int64_t position_slack_ms = 5000;
  // How far the player's clock may run ahead of the server's, and how old an event may be
  // (a player that was offline sends what it queued).
  std::chrono::milliseconds max_future{std::chrono::minutes(5)};
  std::chrono::milliseconds max_age{std::chrono::hours(24 * 7)};
  // Progress that makes a play-through a play before it ends.
  std::int64_t play_threshold_ms = 30000;
};

// Thread-safe; Accept blocks on the database. Dependencies must outlive it.
class ListeningEventService {
 public:
  ListeningEventService(Catalog& catalog, const Clock& clock, const IdGenerator& ids,
                        EventRateLimit& limit, ListeningEventPolicy policy = {});

  // Records the batch, all or nothing, and returns each event's new id in batch order.
  // A play-through (the caller's play id) counts as one play once, the first time, after its
  // play_started for the same track, that a play_ended arrives or a play_progress reaches
  // policy.play_threshold_ms; a play_ended without a play_started, or any later event of a
  // counted play-through, counts nothing. A play_started with a play id already used keeps the
  // first track.
  // Errors: kTooManyRequests (max_events_per_minute, with Retry-After; the batch is charged
  // before it is checked); kInvalidArgument for an empty or too large batch, or naming every
  // refused event as "events[i].field: reason" (field "events[i].field" of the first): unknown
  // type, malformed ids, unknown or not ready track, negative position or one beyond the
  // duration plus slack, a time too far in the future or too old.
  std::vector<std::string> Accept(const Principal& caller, const std::vector<ClientEvent>& batch);

 private:
  Catalog& catalog_;
  const Clock& clock_;
  const IdGenerator& ids_;
  EventRateLimit& limit_;
  ListeningEventPolicy policy_;
};

}  // namespace cadenza
