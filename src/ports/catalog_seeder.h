#pragma once
// Bulk loading of a synthetic catalogue (`cadenza dev seed`): rows go in by the batch through
// each database's fast path, with plain INSERT/COPY so that every trigger of the catalogue
// keeps its derived tables. Adapters: OpenSqliteSeeder (adapters/sqlite/sqlite_seeder.h) and
// OpenPostgresSeeder (adapters/postgres/pg_seeder.h).
#include <cstdint>
#include <string>
#include <vector>

#include "domain/entities.h"

namespace cadenza {

// A track with the popularity that Track does not carry (tracks.play_count).
struct SeedTrack {
  Track track;
  std::int64_t play_count = 0;
};

// A track's plays on one UTC day (days since the Unix epoch): a track_daily_plays row.
struct SeedDailyPlays {
  std::string track_id;
  std::int64_t day = 0;
  std::int64_t plays = 0;  // > 0
};

// Rows to insert together. Every row's parent is in this batch or an earlier one.
struct SeedBatch {
  std::vector<User> users;
  std::vector<Artist> artists;
  std::vector<Album> albums;
  std::vector<SeedTrack> tracks;
  std::vector<SeedDailyPlays> daily_plays;  // at most one row per (track, day)
};

// Not thread-safe: one loading thread. Blocking. Needs a migrated database.
class CatalogSeeder {
 public:
  virtual ~CatalogSeeder() = default;
  // Tracks in the catalogue now (committed ones).
  virtual std::int64_t CountTracks() = 0;
  // Inserts the batch in one transaction: all of it or, when it throws, none of it. Errors
  // as the Catalog port's (kConflict on a taken id or email, kUnavailable when the database
  // fails).
  virtual void Insert(const SeedBatch& batch) = 0;
  // Ends the load: rebuilds the popularity window (ListeningRepository::AdvancePopularWindow)
  // from the daily plays, ending at the newest day that has any (or where it ended, if later),
  // restores any setting the adapter changed for it and refreshes the planner's statistics.
  // Insert may not be called afterwards.
  virtual void Finish() = 0;
};

}  // namespace cadenza
