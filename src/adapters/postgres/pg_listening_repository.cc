#include <stdexcept>
#include <string>

#include "adapters/postgres/pg_repositories.h"

namespace cadenza::pg {
namespace {

std::vector<TrackListening> ReadListening(const Result& r) {
  std::vector<TrackListening> out;
  out.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) {
    out.push_back(TrackListening{
        .track_id = r.Text(row, 0), .plays = r.Int(row, 1), .last_played_at = r.Int(row, 2)});
  }
  return out;
}

void CheckForgetLimit(int limit) {
  if (limit < 1 || limit > 10000) {
    throw std::invalid_argument("ListeningRepository: a forget's limit is 1..10000");
  }
}

}  // namespace

bool PgListeningRepository::StartPlayThrough(std::string_view user_id, std::string_view play_id,
                                             std::string_view track_id, Timestamp at) {
  Result r = conn_.ExecGuarded(
      "INSERT INTO play_throughs (user_id, play_id, track_id, started_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, play_id) DO NOTHING",
      Params().Text(user_id).Text(play_id).Text(track_id).Int(at));
  return r.Affected() > 0;
}

std::optional<std::string> PgListeningRepository::UncountedPlayThrough(std::string_view user_id,
                                                                       std::string_view play_id) {
  Result r = conn_.Exec(
      "SELECT track_id FROM play_throughs WHERE user_id = $1 AND play_id = $2 AND NOT counted",
      Params().Text(user_id).Text(play_id));
  if (r.Rows() == 0) return std::nullopt;
  return r.Text(0, 0);
}

void PgListeningRepository::MarkPlayThroughCounted(std::string_view user_id,
                                                   std::string_view play_id) {
  conn_.ExecGuarded(
      "UPDATE play_throughs SET counted = TRUE WHERE user_id = $1 AND play_id = $2",
      Params().Text(user_id).Text(play_id));
}

std::int64_t PgListeningRepository::ForgetPlayThroughsBefore(Timestamp started_before,
                                                             int limit) {
  CheckForgetLimit(limit);
  return conn_
      // By ctid: the rows found by the index are deleted by a TID scan. A key IN (subquery)
      // is planned as a hash join over a scan of the whole table.
      .Exec("DELETE FROM play_throughs WHERE ctid = ANY(ARRAY(SELECT ctid FROM play_throughs "
            "WHERE started_at < $1 LIMIT $2))",
            Params().Int(started_before).Int(limit))
      .Affected();
}

std::int64_t PgListeningRepository::ForgetDailyPlaysBefore(std::int64_t day, int limit) {
  CheckForgetLimit(limit);
  return conn_
      .Exec("DELETE FROM track_daily_plays WHERE ctid = ANY(ARRAY(SELECT ctid "
            "FROM track_daily_plays WHERE day < $1 LIMIT $2))",
            Params().Int(day).Int(limit))
      .Affected();
}

void PgListeningRepository::AddTrackPlay(std::string_view track_id) {
  conn_.ExecGuarded("UPDATE tracks SET play_count = play_count + 1 WHERE id = $1",
                    Params().Text(track_id));
}

void PgListeningRepository::AddUserPlay(std::string_view user_id, std::string_view track_id,
                                        Timestamp at) {
  // The SELECT skips a user or track deleted since the event was recorded.
  conn_.ExecGuarded(
      "INSERT INTO user_track_plays (user_id, track_id, plays, last_played_at) "
      "SELECT $1, $2, 1, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1) "
      "AND EXISTS (SELECT 1 FROM tracks WHERE id = $2) "
      "ON CONFLICT (user_id, track_id) DO UPDATE SET plays = user_track_plays.plays + 1, "
      "last_played_at = GREATEST(user_track_plays.last_played_at, excluded.last_played_at)",
      Params().Text(user_id).Text(track_id).Int(at));
}

void PgListeningRepository::AddDailyPlay(std::string_view track_id, std::int64_t day) {
  AdvancePopularWindow(day);
  Result added = conn_.ExecGuarded(
      "INSERT INTO track_daily_plays (day, track_id, plays) "
      "SELECT $1, $2, 1 WHERE EXISTS (SELECT 1 FROM tracks WHERE id = $2) "
      "ON CONFLICT (day, track_id) DO UPDATE SET plays = track_daily_plays.plays + 1",
      Params().Int(day).Text(track_id));
  if (added.Affected() > 0) AddWindowPlay(track_id, day);  // 0: the track is gone
}

std::int64_t PgListeningRepository::TrackPlays(std::string_view track_id) {
  Result r = conn_.Exec("SELECT play_count FROM tracks WHERE id = $1", Params().Text(track_id));
  return r.Rows() > 0 ? r.Int(0, 0) : 0;
}

std::optional<TrackListening> PgListeningRepository::UserTrack(std::string_view user_id,
                                                               std::string_view track_id) {
  auto rows = ReadListening(conn_.Exec(
      "SELECT track_id, plays, last_played_at FROM user_track_plays "
      "WHERE user_id = $1 AND track_id = $2",
      Params().Text(user_id).Text(track_id)));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<TrackListening> PgListeningRepository::RecentlyPlayed(std::string_view user_id,
                                                                  int limit, int offset) {
  return ReadListening(conn_.Exec(
      "SELECT track_id, plays, last_played_at FROM user_track_plays WHERE user_id = $1 "
      "ORDER BY last_played_at DESC, track_id LIMIT $2 OFFSET $3",
      Params().Text(user_id).Int(limit).Int(offset)));
}

std::vector<TrackListening> PgListeningRepository::MostPlayed(std::string_view user_id,
                                                              int limit, int offset) {
  return ReadListening(conn_.Exec(
      "SELECT track_id, plays, last_played_at FROM user_track_plays WHERE user_id = $1 "
      "ORDER BY plays DESC, last_played_at DESC, track_id LIMIT $2 OFFSET $3",
      Params().Text(user_id).Int(limit).Int(offset)));
}

std::vector<TrackListening> PgListeningRepository::Popular(std::int64_t from_day,
                                                           std::int64_t to_day, int limit,
                                                           int offset) {
  if (auto ranked = WindowPopular(from_day, to_day, limit, offset)) return *std::move(ranked);
  return ReadListening(conn_.Exec(
      "SELECT track_id, SUM(plays)::BIGINT AS total, 0 FROM track_daily_plays "
      "WHERE day BETWEEN $1 AND $2 GROUP BY track_id ORDER BY total DESC, track_id "
      "LIMIT $3 OFFSET $4",
      Params().Int(from_day).Int(to_day).Int(limit).Int(offset)));
}

std::vector<TrackListening> PgListeningRepository::TopTracksOfArtist(std::string_view artist_id,
                                                                     int limit, int offset) {
  return ReadListening(conn_.Exec(
      "SELECT t.id, t.play_count, 0 FROM tracks t JOIN albums a ON a.id = t.album_id "
      "WHERE a.artist_id = $1 AND t.status = 'ready' "
      "ORDER BY t.play_count DESC, t.id LIMIT $2 OFFSET $3",
      Params().Text(artist_id).Int(limit).Int(offset)));
}

std::vector<std::string> PgListeningRepository::NewReleaseAlbumIds(int limit, int offset) {
  Result r = conn_.Exec(
      "SELECT a.id FROM albums a WHERE EXISTS (SELECT 1 FROM tracks t "
      "WHERE t.album_id = a.id AND t.status = 'ready') "
      "ORDER BY a.release_date DESC NULLS LAST, a.created_at DESC, a.id DESC "
      "LIMIT $1 OFFSET $2",
      Params().Int(limit).Int(offset));
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) ids.push_back(r.Text(row, 0));
  return ids;
}

}  // namespace cadenza::pg
