#pragma once
// The transactional outbox: events recorded in the catalogue in the same transaction as their
// cause (a play batch, a playlist change, an upload), read back in one stable order by the
// in-process consumers and by a relay that publishes them to the event streaming platform
// (ports/event_bus.h). Reached through CatalogTransaction::events(); both catalogue adapters
// pass tests/unit/catalog/event_outbox_test.cc.
//
// Order: every record gets a sequence number (seq) when appended. Readers see a prefix: a
// record with a larger seq never becomes visible before one with a smaller seq, so a reader
// that remembers "everything up to seq N" never skips a record committed later. (PostgreSQL
// hands out sequence values before commit, in any order; its adapter serializes appends with a
// transaction-scoped advisory lock so that seq order is commit order. SQLite has one writer.)
//
// Delivery is at least once: a relay that dies between Publish and MarkPublished publishes
// again. Event::id is the dedup key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.h"
#include "ports/event_bus.h"

namespace cadenza {

struct OutboxRecord {
  std::int64_t seq = 0;  // > 0, strictly increasing in commit order
  Event event;
};

// One listener's play counts and last play of a track (the listening-history consumer).
struct TrackListening {
  std::string track_id;
  std::int64_t plays = 0;
  Timestamp last_played_at = 0;
};

class EventOutbox {
 public:
  virtual ~EventOutbox() = default;

  // Records `event` in the caller's transaction: it becomes visible to readers when (and only
  // if) that transaction commits. kConflict when an event with the same id was recorded.
  // std::invalid_argument for an empty id or type. Call it late in a transaction: on
  // PostgreSQL it holds the append lock until commit.
  virtual void Append(const Event& event) = 0;

  // Records with seq > `after_seq`, seq ascending, at most `limit` (1..1000).
  virtual std::vector<OutboxRecord> ListAfter(std::int64_t after_seq, int limit) = 0;
  // Records not yet marked published, seq ascending, at most `limit` (1..1000): for a relay.
  virtual std::vector<OutboxRecord> ListUnpublished(int limit) = 0;
  // Marks records published (unknown seqs are ignored). Write transactions only.
  virtual void MarkPublished(const std::vector<std::int64_t>& seqs) = 0;

  // A consumer's position: the seq of the last record it applied, 0 before any. Inside a
  // write transaction it also locks the consumer's row until commit, so that two processes
  // running the same consumer apply each record once: the second waits and then reads the
  // position the first committed (or, on PostgreSQL, is rerun). `consumer` is 1..64 bytes.
  virtual std::int64_t ConsumerPosition(std::string_view consumer) = 0;
  // Stores the position in the caller's transaction, so that it commits with the effects of
  // the records it covers, or neither does.
  virtual void SetConsumerPosition(std::string_view consumer, std::int64_t seq) = 0;

  // Consumers of the streaming platform's events, which may arrive twice, remember what they
  // applied by event id, in the transaction that applies it. Records that `consumer` (1..64
  // bytes) consumed `event_id` at `at`: true when the pair is new (apply the event), false when
  // it was recorded before (skip it). Write transactions only; on PostgreSQL a concurrent
  // transaction recording the same pair waits for this one to end and then sees it.
  virtual bool MarkConsumed(std::string_view consumer, std::string_view event_id,
                            Timestamp at) = 0;
  // Forgets at most `limit` (1..10000) pairs consumed before `before`; returns how many.
  // Write transactions only.
  virtual std::int64_t ForgetConsumedBefore(Timestamp before, int limit) = 0;

  // Retention (services/events/event_retention.h). Deletes at most `limit` (1..10000) records
  // with recorded_at < `recorded_before` AND seq <= `up_to_seq` AND, when `require_published`,
  // marked published; returns how many went. Never deletes a record newer than the cut, past
  // `up_to_seq` (the caller passes the smallest position of the in-process consumers) or, when
  // required, one a relay has still to publish. Which of the matching records go first is
  // unspecified. Write transactions only.
  virtual std::int64_t ForgetBefore(Timestamp recorded_before, std::int64_t up_to_seq,
                                    bool require_published, int limit) = 0;
};

// Tables the in-process consumers keep from the outbox (services/events/). Write methods run
// in the consumer's transaction, beside SetConsumerPosition.
class ListeningRepository {
 public:
  virtual ~ListeningRepository() = default;

  // Play-throughs: the listener's client-chosen play id tied to one track, and whether a play
  // was counted for it. Used when events are accepted, to count each play-through once.
  // Starts one: false when (user_id, play_id) already exists (the stored track is kept).
  virtual bool StartPlayThrough(std::string_view user_id, std::string_view play_id,
                                std::string_view track_id, Timestamp at) = 0;
  // The track of a play-through that has not been counted yet; nullopt when there is no such
  // play-through or it was counted already.
  virtual std::optional<std::string> UncountedPlayThrough(std::string_view user_id,
                                                          std::string_view play_id) = 0;
  // Marks a play-through counted.
  virtual void MarkPlayThroughCounted(std::string_view user_id, std::string_view play_id) = 0;
  // Retention: deletes at most `limit` (1..10000) play-throughs with started_at <
  // `started_before`, counted or not; returns how many went. Write transactions only.
  virtual std::int64_t ForgetPlayThroughsBefore(Timestamp started_before, int limit) = 0;

  // Consumer effects. A track that no longer exists is ignored (its rows went with it).
  virtual void AddTrackPlay(std::string_view track_id) = 0;  // tracks.play_count + 1
  virtual void AddUserPlay(std::string_view user_id, std::string_view track_id,
                           Timestamp at) = 0;
  // Plays of a track on one UTC day (days since the Unix epoch).
  virtual void AddDailyPlay(std::string_view track_id, std::int64_t day) = 0;
  // Retention: deletes at most `limit` (1..10000) daily rows of days before `day`; returns how
  // many went. Write transactions only.
  virtual std::int64_t ForgetDailyPlaysBefore(std::int64_t day, int limit) = 0;

  // Reads.
  virtual std::int64_t TrackPlays(std::string_view track_id) = 0;  // 0 for an unknown track
  virtual std::optional<TrackListening> UserTrack(std::string_view user_id,
                                                  std::string_view track_id) = 0;
  // The listener's tracks, last played first (ties: track id), after skipping `offset`.
  virtual std::vector<TrackListening> RecentlyPlayed(std::string_view user_id, int limit,
                                                     int offset) = 0;
  // The listener's tracks, most plays first (ties: last played later first, track id).
  virtual std::vector<TrackListening> MostPlayed(std::string_view user_id, int limit,
                                                 int offset) = 0;
  // Tracks by plays on days [from_day, to_day], most first (ties: track id); `plays` is that
  // sum, last_played_at is 0. An index scan when the days are the popularity window (see
  // AdvancePopularWindow); any other range sums the daily plays, which is slow at scale.
  virtual std::vector<TrackListening> Popular(std::int64_t from_day, std::int64_t to_day,
                                              int limit, int offset) = 0;
  // The artist's ready tracks by tracks.play_count, most first (ties: track id); `plays` is
  // play_count, last_played_at is 0.
  virtual std::vector<TrackListening> TopTracksOfArtist(std::string_view artist_id, int limit,
                                                        int offset) = 0;
  // Albums with at least one ready track, by release_date (newest first, albums without one
  // last), then created_at (newest first), then id.
  virtual std::vector<std::string> NewReleaseAlbumIds(int limit, int offset) = 0;

  // The popularity window: each track's plays on the kPopularWindowDays UTC days ending at the
  // window's newest day, kept by AddDailyPlay (which first moves the window to a newer day) so
  // that Popular over exactly those days reads a ready-made ranking. Moves the window forward
  // to end at `today` when it ends earlier (days that leave it are subtracted), so that a day
  // without plays still moves it; a window already at or past `today` is left alone. Write
  // transactions only; cheap when there is nothing to move.
  virtual void AdvancePopularWindow(std::int64_t today) = 0;
};

// Days in the popularity window, today included.
inline constexpr int kPopularWindowDays = 7;

}  // namespace cadenza
