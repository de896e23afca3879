#pragma once
// The popularity window on PostgreSQL (migration 13): each track's plays within the last
// kPopularWindowDays UTC days, so that "popular now" is an index scan instead of summing a
// day's worth of rows per track on every request. PgListeningRepository keeps it
// (pg_popular_window.cc).
#include <string_view>

namespace cadenza::pg {

// Creates track_window_plays and popular_window, filled from track_daily_plays for the window
// ending at the newest day present (an empty window when there are no daily plays).
std::string_view PopularWindowMigrationSql();

}  // namespace cadenza::pg
