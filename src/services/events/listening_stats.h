#pragma once
// What the consumers keep, read back with the tracks: a listener's recently and most played
// tracks, and the tracks most played over the last days.
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "domain/principal.h"
#include "ports/catalog.h"
#include "ports/clock.h"
#include "ports/event_outbox.h"

namespace cadenza {

struct PlayedTrack {
  Track track;
  std::int64_t plays = 0;
  Timestamp last_played_at = 0;  // 0 for the popularity chart
};

// Thread-safe; every method blocks on the database. `limit` 1..50, `offset` 0..1000 (callers
// check). Tracks that are not ready (replaced audio being transcoded) are left out.
class ListeningStats {
 public:
  static constexpr int kPopularDays = kPopularWindowDays;

  ListeningStats(Catalog& catalog, const Clock& clock) : catalog_(catalog), clock_(clock) {}

  // The caller's tracks, last played first.
  std::vector<PlayedTrack> RecentlyPlayed(const Principal& who, int limit, int offset);
  // The caller's tracks, most plays first.
  std::vector<PlayedTrack> MostPlayed(const Principal& who, int limit, int offset);
  // Every listener's plays on the last kPopularDays UTC days (today included), most first.
  std::vector<PlayedTrack> Popular(int limit, int offset);
  // The artist's ready tracks, most plays of all time first; kNotFound "artist not found".
  std::vector<PlayedTrack> TopTracks(std::string_view artist_id, int limit, int offset);
  // Albums with a ready track, latest release date first (undated last), then newest.
  std::vector<Album> NewReleases(int limit, int offset);

 private:
  Catalog& catalog_;
  const Clock& clock_;
};

}  // namespace cadenza
