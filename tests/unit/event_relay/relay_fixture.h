#pragma once
// What the tests of the Kafka road share: a SQLite catalogue with listeners and tracks, runs of
// events appended to its outbox, the counts the embedded EventPump computes for the same events
// (on a catalogue of its own), and reading back what reached Kafka with a group of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_subscription.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "ports/catalog.h"
#include "services/events/event_consumers.h"
#include "services/events/event_pump.h"
#include "unit/kafka/kafka_fixture.h"
#include "unit/support/temp_dir.h"

namespace cadenza {

inline constexpr int kListeners = 5;
inline constexpr int kTracks = 4;
inline constexpr Timestamp kDay = 86'400'000;
// Three UTC days before today: recent enough that a worker's event retention (daily plays
// are kept 35 days, outbox records 7) forgets nothing the tests count.
inline const Timestamp kFirstDay = [] {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return (now / kDay - 3) * kDay;
}();

// Every count the consumers keep, by a readable name: plays per track, plays and last play
// per listener and track, plays per track and day.
using Counts = std::map<std::string, std::int64_t>;

class RelayTest : public kafka::KafkaTest {
 protected:
  RelayTest() { catalog_ = OpenCatalog(dir_.path() / "cadenza.db"); }

  static std::string ListenerId(int i) { return "listener-" + std::to_string(i); }
  static std::string TrackId(int i) { return "track-" + std::to_string(i); }

  // A catalogue with the listeners and tracks the events name.
  static std::unique_ptr<Catalog> OpenCatalog(const std::filesystem::path& file) {
    std::unique_ptr<Catalog> catalog = OpenSqliteCatalog(file);
    catalog->Migrate();
    catalog->Write([](CatalogTransaction& tx) {
      for (int i = 0; i < kListeners; ++i) {
        User user{.id = ListenerId(i), .email = ListenerId(i) + "@example.test",
                  .password_hash = "$argon2id$unused", .display_name = ListenerId(i)};
        tx.users().Insert(user);
      }
      tx.artists().Insert(Artist{.id = "artist", .owner_user_id = ListenerId(0), .name = "artist"});
      tx.albums().Insert(Album{.id = "album", .artist_id = "artist", .title = "album"});
      for (int i = 0; i < kTracks; ++i) {
        tx.tracks().Insert(Track{.id = TrackId(i), .album_id = "album", .title = TrackId(i),
                                 .blob_key = "originals/" + TrackId(i), .blob_size = 1});
      }
    });
    return catalog;
  }

  // Events first..first+count-1: every third a play_started (which no consumer follows), the
  // others counted plays spread over listeners, tracks and three days.
  static std::vector<Event> MakePlays(int first, int count) {
    std::vector<Event> events;
    for (int i = first; i < first + count; ++i) {
      Event event{.id = "event-" + std::to_string(i),
                  .type = i % 3 == 0 ? "play_started" : std::string(kPlayCountedEvent),
                  .key = ListenerId(i % kListeners), .user_id = ListenerId(i % kListeners),
                  .subject_id = TrackId(i % kTracks), .occurred_at = kFirstDay + i * 1000,
                  .recorded_at = kFirstDay + (i % 3) * kDay + i,
                  .attributes_json = "{}"};
      events.push_back(event);
    }
    return events;
  }

  // Appends `events` to the outbox, `per_transaction` at a time.
  static void Append(Catalog& catalog, const std::vector<Event>& events, std::size_t per_transaction = 25) {
    for (std::size_t i = 0; i < events.size(); i += per_transaction) {
      catalog.Write([&](CatalogTransaction& tx) {
        for (std::size_t j = i; j < std::min(events.size(), i + per_transaction); ++j) tx.events().Append(events[j]);
      });
    }
  }

  static Counts CountsOf(Catalog& catalog) {
    return catalog.ReadValue([](CatalogTransaction& tx) {
      Counts counts;
      for (int t = 0; t < kTracks; ++t) {
        counts["plays " + TrackId(t)] = tx.listening().TrackPlays(TrackId(t));
        for (int l = 0; l < kListeners; ++l) {
          if (auto row = tx.listening().UserTrack(ListenerId(l), TrackId(t))) {
            counts["history " + ListenerId(l) + " " + TrackId(t)] = row->plays;
            counts["last " + ListenerId(l) + " " + TrackId(t)] = row->last_played_at;
          }
        }
      }
      for (std::int64_t day = kFirstDay / kDay; day < kFirstDay / kDay + 3; ++day) {
        for (const TrackListening& row : tx.listening().Popular(day, day, 100, 0)) {
          counts["day " + std::to_string(day) + " " + row.track_id] = row.plays;
        }
      }
      return counts;
    });
  }

  // What the embedded pump makes of `events`, on a catalogue of its own.
  Counts PumpCounts(const std::vector<Event>& events) {
    test_support::TempDir dir;
    std::unique_ptr<Catalog> catalog = OpenCatalog(dir.path() / "pump.db");
    Append(*catalog, events);
    EventPump(*catalog, StandardConsumers()).Drain();
    return CountsOf(*catalog);
  }

  static std::int64_t PlayCount(const Counts& counts) {
    std::int64_t plays = 0;
    for (int t = 0; t < kTracks; ++t) plays += counts.at("plays " + TrackId(t));
    return plays;
  }

  std::size_t Unpublished() {
    return catalog_->ReadValue([](CatalogTransaction& tx) { return tx.events().ListUnpublished(1000).size(); });
  }

  // Everything in Kafka, read by a new group from the start, until `expected` distinct ids came.
  std::vector<Event> ReadBack(std::size_t expected) {
    kafka::KafkaEventSubscription reader(Options(), "read-back-" + std::to_string(++read_backs_));
    return ReadUntil(reader, expected);
  }

  static std::set<std::string> IdsOf(const std::vector<Event>& events) { return Ids(events); }

  test_support::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  int read_backs_ = 0;
};

}  // namespace cadenza
