#include "adapters/sqlite/popular_window.h"

#include <optional>

#include "adapters/sqlite/repositories.h"
#include "ports/event_outbox.h"

namespace cadenza::sqlite {
namespace {

// The window's plays per track, rows that would reach 0 deleted; its newest day in a one-row
// table (no row before the first play: any day may then start the window).
constexpr char kPopularWindowMigration[] = R"sql(
CREATE TABLE track_window_plays (
  track_id TEXT NOT NULL PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
  plays INTEGER NOT NULL CHECK (plays > 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX track_window_plays_rank ON track_window_plays (plays DESC, track_id);

CREATE TABLE popular_window (
  singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
  newest_day INTEGER NOT NULL
) STRICT;

INSERT INTO popular_window (singleton, newest_day)
  SELECT 1, max(day) FROM track_daily_plays HAVING max(day) IS NOT NULL;
INSERT INTO track_window_plays (track_id, plays)
  SELECT d.track_id, sum(d.plays) FROM track_daily_plays d, popular_window w
  WHERE d.day BETWEEN w.newest_day - 6 AND w.newest_day GROUP BY d.track_id;
)sql";

static_assert(kPopularWindowDays == 7, "migration 13 spans 7 days");

// The plays per track of days [from_day, to_day] (the days leaving the window).
#define CADENZA_LEAVING                                                              \
  "(SELECT track_id, sum(plays) AS plays FROM track_daily_plays "                    \
  "WHERE day BETWEEN ?1 AND ?2 GROUP BY track_id)"

}  // namespace

std::string_view PopularWindowMigrationSql() { return kPopularWindowMigration; }

std::optional<std::int64_t> SqliteListeningRepository::PopularWindowDay() {
  auto query = conn_.Prepare("SELECT newest_day FROM popular_window WHERE singleton = 1");
  if (!query->Step()) return std::nullopt;
  return query->ColumnInt(0);
}

void SqliteListeningRepository::AdvancePopularWindow(std::int64_t today) {
  std::optional<std::int64_t> newest = PopularWindowDay();
  if (newest && *newest >= today) return;
  if (newest && today - *newest < kPopularWindowDays) {
    // Days newest-6 .. today-7 leave; no plays exist after `newest` (AddDailyPlay moves the
    // window before adding one), so nothing enters.
    const std::int64_t first_leaving = *newest - kPopularWindowDays + 1;
    const std::int64_t last_leaving = today - kPopularWindowDays;
    // Tracks whose window plays all leave go first: the rest stay above 0.
    auto remove = conn_.Prepare(
        "DELETE FROM track_window_plays WHERE track_id IN (SELECT l.track_id FROM " CADENZA_LEAVING
        " l JOIN track_window_plays w ON w.track_id = l.track_id WHERE w.plays <= l.plays)");
    remove->BindInt(1, first_leaving).BindInt(2, last_leaving);
    remove->Run();
    auto subtract = conn_.Prepare(
        "UPDATE track_window_plays SET plays = track_window_plays.plays - l.plays "
        "FROM " CADENZA_LEAVING " l WHERE track_window_plays.track_id = l.track_id");
    subtract->BindInt(1, first_leaving).BindInt(2, last_leaving);
    subtract->Run();
  } else if (newest) {
    conn_.Exec("DELETE FROM track_window_plays");  // the whole window left
  }
  auto store = conn_.Prepare(
      "INSERT INTO popular_window (singleton, newest_day) VALUES (1, ?1) "
      "ON CONFLICT (singleton) DO UPDATE SET newest_day = excluded.newest_day");
  store->BindInt(1, today);
  store->Run();
}

void SqliteListeningRepository::AddWindowPlay(std::string_view track_id, std::int64_t day) {
  // Called after AdvancePopularWindow(day): the window ends at `day` or later.
  std::optional<std::int64_t> newest = PopularWindowDay();
  if (!newest || day <= *newest - kPopularWindowDays) return;  // a late play for an old day
  auto upsert = conn_.Prepare(
      "INSERT INTO track_window_plays (track_id, plays) VALUES (?1, 1) "
      "ON CONFLICT (track_id) DO UPDATE SET plays = plays + 1");
  upsert->BindText(1, track_id);
  upsert->Run();
}

std::optional<std::vector<TrackListening>> SqliteListeningRepository::WindowPopular(
    std::int64_t from_day, std::int64_t to_day, int limit, int offset) {
  if (to_day - from_day + 1 != kPopularWindowDays || PopularWindowDay() != to_day) {
    return std::nullopt;
  }
  auto query = conn_.Prepare(
      "SELECT track_id, plays FROM track_window_plays ORDER BY plays DESC, track_id "
      "LIMIT ?1 OFFSET ?2");
  query->BindInt(1, limit).BindInt(2, offset);
  std::vector<TrackListening> out;
  while (query->Step()) {
    out.push_back(TrackListening{.track_id = query->ColumnText(0), .plays = query->ColumnInt(1)});
  }
  return out;
}

#undef CADENZA_LEAVING

}  // namespace cadenza::sqlite
