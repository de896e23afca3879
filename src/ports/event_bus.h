#pragma once
// The event bus: what happened (plays, skips, playlist changes, uploads, deletions), recorded
// in the catalogue's outbox in the same transaction as its cause, then delivered to consumers
// that keep play counts, listening history and popularity. Two adapters: embedded (consumers
// read the outbox in process) and Kafka (a relay publishes the outbox to topics; consumers
// read them in a consumer group). Delivery is at least once: consumers dedup by Event::id.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/time.h"

namespace cadenza {

struct Event {
  std::string id;    // UUIDv7, unique: the consumers' dedup key
  std::string type;  // "play_started", "play_progress", "play_ended", "skipped", ...
  // Events with one key keep their order end to end (Kafka's partition key): the listener's
  // id for listening events, the subject's id for catalogue events.
  std::string key;
  std::string user_id;     // who caused it; "" for the system
  std::string subject_id;  // what it is about: a track, a playlist, ...
  std::int64_t position_ms = 0;  // listening events: where in the track
  Timestamp occurred_at = 0;     // listening events: the client's clock; else the server's
  Timestamp recorded_at = 0;     // the server's clock when it was accepted
  std::string attributes_json = "{}";  // type-specific extras: one JSON object
};

// Hands events to the event streaming platform. Blocking; thread-safe.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once the platform has durably accepted every event (acknowledged by all in-sync
  // replicas), order kept per key. Throws Error(kUnavailable) when it cannot within its
  // timeout; some events may have been delivered then, which redelivery makes harmless.
  virtual void Publish(const std::vector<Event>& events) = 0;
};

// One member of a consumer group. Blocking; used from one thread.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
  // The next events, at most `max_events`, order kept per key; empty after `timeout` without
  // any. Throws Error(kUnavailable) when the platform cannot be reached.
  virtual std::vector<Event> Poll(std::chrono::milliseconds timeout, int max_events) = 0;
  // Commits what Poll has returned so far: call it after processing them, so that a member
  // that dies before redelivers them to the group instead of losing them.
  virtual void Commit() = 0;
};

}  // namespace cadenza
