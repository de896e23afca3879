#include "adapters/postgres/pg_popular_window.h"

#include <optional>

#include "adapters/postgres/pg_repositories.h"
#include "ports/event_outbox.h"

namespace cadenza::pg {
namespace {

// The window's plays per track, rows that would reach 0 deleted; its newest day in a one-row
// table (no row before the first play: any day may then start the window).
constexpr char kPopularWindowMigration[] = R"sql(
CREATE TABLE track_window_plays (
  track_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
  plays BIGINT NOT NULL CHECK (plays > 0)
);
CREATE INDEX track_window_plays_rank ON track_window_plays (plays DESC, track_id);

CREATE TABLE popular_window (
  singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
  newest_day BIGINT NOT NULL
);

INSERT INTO popular_window (singleton, newest_day)
  SELECT 1, max(day) FROM track_daily_plays HAVING max(day) IS NOT NULL;
INSERT INTO track_window_plays (track_id, plays)
  SELECT d.track_id, sum(d.plays) FROM track_daily_plays d, popular_window w
  WHERE d.day BETWEEN w.newest_day - 6 AND w.newest_day GROUP BY d.track_id;
)sql";

static_assert(kPopularWindowDays == 7, "migration 13 spans 7 days");

}  // namespace

std::string_view PopularWindowMigrationSql() { return kPopularWindowMigration; }

std::optional<std::int64_t> PgListeningRepository::PopularWindowDay() {
  Result r = conn_.Exec("SELECT newest_day FROM popular_window WHERE singleton = 1");
  if (r.Rows() == 0) return std::nullopt;
  return r.Int(0, 0);
}

// No explicit lock: write transactions are SERIALIZABLE, so a play counted while another
// process moves the window (both read and write popular_window and track_window_plays) makes
// one of them fail and rerun, as two consumers counting the same track's daily plays do.
void PgListeningRepository::AdvancePopularWindow(std::int64_t today) {
  std::optional<std::int64_t> newest = PopularWindowDay();
  if (newest && *newest >= today) return;
  if (newest && today - *newest < kPopularWindowDays) {
    // Days newest-6 .. today-7 leave; no plays exist after `newest` (AddDailyPlay moves the
    // window before adding one), so nothing enters. Both statements see the same snapshot:
    // the DELETE takes the tracks whose window plays all leave, the UPDATE the others.
    conn_.ExecGuarded(
        "WITH leaving AS (SELECT track_id, sum(plays)::BIGINT AS plays FROM track_daily_plays "
        "WHERE day BETWEEN $1 AND $2 GROUP BY track_id), "
        "gone AS (DELETE FROM track_window_plays w USING leaving l "
        "WHERE w.track_id = l.track_id AND w.plays <= l.plays) "
        "UPDATE track_window_plays w SET plays = w.plays - l.plays FROM leaving l "
        "WHERE w.track_id = l.track_id AND w.plays > l.plays",
        Params().Int(*newest - kPopularWindowDays + 1).Int(today - kPopularWindowDays));
  } else if (newest) {
    conn_.ExecGuarded("DELETE FROM track_window_plays");  // the whole window left
  }
  conn_.ExecGuarded(
      "INSERT INTO popular_window (singleton, newest_day) VALUES (1, $1) "
      "ON CONFLICT (singleton) DO UPDATE SET newest_day = excluded.newest_day",
      Params().Int(today));
}

void PgListeningRepository::AddWindowPlay(std::string_view track_id, std::int64_t day) {
  // Called after AdvancePopularWindow(day): the window ends at `day` or later.
  std::optional<std::int64_t> newest = PopularWindowDay();
  if (!newest || day <= *newest - kPopularWindowDays) return;  // a late play for an old day
  conn_.ExecGuarded(
      "INSERT INTO track_window_plays (track_id, plays) VALUES ($1, 1) "
      "ON CONFLICT (track_id) DO UPDATE SET plays = track_window_plays.plays + 1",
      Params().Text(track_id));
}

std::optional<std::vector<TrackListening>> PgListeningRepository::WindowPopular(
    std::int64_t from_day, std::int64_t to_day, int limit, int offset) {
  if (to_day - from_day + 1 != kPopularWindowDays || PopularWindowDay() != to_day) {
    return std::nullopt;
  }
  Result r = conn_.Exec(
      "SELECT track_id, plays FROM track_window_plays ORDER BY plays DESC, track_id "
      "LIMIT $1 OFFSET $2",
      Params().Int(limit).Int(offset));
  std::vector<TrackListening> out;
  out.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) {
    out.push_back(TrackListening{.track_id = r.Text(row, 0), .plays = r.Int(row, 1)});
  }
  return out;
}

}  // namespace cadenza::pg
