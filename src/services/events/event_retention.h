#pragma once
// Retention of the event tables, which every play grows and nothing else shrinks: the outbox
// (ports/event_outbox.h), the play-throughs that count a play once, and the plays per track
// and day. RunOnce deletes what is older than each table's window, in batches of
// options.batch rows, one write transaction each, so that no transaction is large and the
// writer is free between batches.
//
// An outbox record goes only once every reader is done with it: the in-process consumers
// (options.consumers; the smallest of their positions bounds the seqs deleted, so a stopped
// consumer keeps everything it has not applied) and, with options.require_published, the
// relay to the streaming platform (only records marked published go).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ports/catalog.h"
#include "ports/clock.h"
#include "services/events/listening_events.h"

namespace cadenza {

struct EventRetentionOptions {
  // Outbox records recorded longer ago than this may go; zero keeps the outbox whole.
  std::chrono::milliseconds outbox_retention{std::chrono::hours(24 * 7)};
  // Play-throughs started longer ago than this go. Forgetting one reopens its play id, but a
  // replay of its play_started carries the same occurred_at (the stored started_at), older
  // than ListeningEventPolicy::max_age by now, and is refused as too old: it can never start
  // the play-through again and count a second play. The extra day covers the player's clock
  // running ahead (max_future) and the late play_ended or play_progress of a play-through,
  // which still find it and count once.
  std::chrono::milliseconds play_through_retention{ListeningEventPolicy{}.max_age +
                                                   std::chrono::hours(24)};
  // Days of plays per track kept: popular-now reads the last 7, the rest is room to grow.
  std::int64_t daily_play_days = 35;
  // The in-process consumers reading the outbox (EventPump::ConsumerNames()); empty when none
  // runs (the platform's consumers read the relay's copies instead).
  std::vector<std::string> consumers;
  // Whether a relay publishes the outbox: only records it marked published may go.
  bool require_published = false;
  int batch = 5000;  // rows per delete transaction (1..10000)
};

// Rows deleted by one RunOnce.
struct RetentionReport {
  std::int64_t outbox_records = 0;
  std::int64_t play_throughs = 0;
  std::int64_t daily_plays = 0;
};

// Thread-safe; RunOnce blocks on the database. Dependencies must outlive it.
class EventRetention {
 public:
  // std::invalid_argument for a batch outside 1..10000, negative windows, or no reader of
  // the outbox at all (no consumers and no relay) while outbox pruning is on: nothing would
  // say what is still needed.
  EventRetention(Catalog& catalog, const Clock& clock, EventRetentionOptions options = {});

  // Deletes everything past its window at clock.Now(), batch after batch until a batch comes
  // back short; returns the counts. Throws the catalogue's errors (what committed before stays
  // deleted; the next run carries on).
  RetentionReport RunOnce();

 private:
  // The smallest position of options.consumers (0 when one never ran); INT64_MAX for none.
  std::int64_t OldestPosition();

  Catalog& catalog_;
  const Clock& clock_;
  EventRetentionOptions options_;
};

}  // namespace cadenza
