#pragma once
// The in-process consumers of the outbox (ports/event_outbox.h): each keeps one table from the
// `play_counted` records, which the listening-event service appends once per counted
// play-through. EventPump (event_pump.h) applies records to them.
#include <memory>
#include <string_view>
#include <vector>

#include "ports/catalog.h"

namespace cadenza {

// The record a counted play leaves in the outbox: user_id listened to subject_id (a track);
// occurred_at is the listener's clock, recorded_at the server's.
inline constexpr std::string_view kPlayCountedEvent = "play_counted";

class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  // Unique among consumers and stable across releases: its position is stored under it.
  virtual std::string_view name() const = 0;
  // Writes the record's effect (if any) in `tx`, the transaction that also stores the
  // consumer's new position. Records of types it does not follow are ignored.
  virtual void Apply(CatalogTransaction& tx, const OutboxRecord& record) = 0;
  // Whether Apply may have an effect for events of `type`: consumers of the streaming
  // platform record only those they follow as consumed (StreamConsumerRunner).
  virtual bool Follows(std::string_view /*type*/) const { return true; }
};

// tracks.play_count.
std::unique_ptr<EventConsumer> MakePlayCountConsumer();
// Per listener and track: plays and the last play (recently played, most played).
std::unique_ptr<EventConsumer> MakeListeningHistoryConsumer();
// Plays per track per UTC day of the server's clock (popular over the last days).
std::unique_ptr<EventConsumer> MakePopularityConsumer();
// The three above.
std::vector<std::unique_ptr<EventConsumer>> StandardConsumers();

// Days since the Unix epoch of `t` (UTC), as the popularity table stores them.
std::int64_t EpochDay(Timestamp t);

}  // namespace cadenza
