#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "adapters/sqlite/repositories.h"

namespace cadenza::sqlite {
namespace {

std::vector<TrackListening> ReadListening(Statement& s) {
  std::vector<TrackListening> out;
  while (s.Step()) {
    out.push_back(TrackListening{
        .track_id = s.ColumnText(0), .plays = s.ColumnInt(1), .last_played_at = s.ColumnInt(2)});
  }
  return out;
}

void CheckForgetLimit(int limit) {
  if (limit < 1 || limit > 10000) {
    throw std::invalid_argument("ListeningRepository: a forget's limit is 1..10000");
  }
}

}  // namespace

bool SqliteListeningRepository::StartPlayThrough(std::string_view user_id,
                                                 std::string_view play_id,
                                                 std::string_view track_id, Timestamp at) {
  auto insert = conn_.Prepare(
      "INSERT INTO play_throughs (user_id, play_id, track_id, started_at) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id, play_id) DO NOTHING");
  insert->BindText(1, user_id).BindText(2, play_id).BindText(3, track_id).BindInt(4, at);
  insert->Run();
  return conn_.Changes() > 0;
}

std::optional<std::string> SqliteListeningRepository::UncountedPlayThrough(
    std::string_view user_id, std::string_view play_id) {
  auto query = conn_.Prepare(
      "SELECT track_id FROM play_throughs WHERE user_id = ?1 AND play_id = ?2 AND counted = 0");
  query->BindText(1, user_id).BindText(2, play_id);
  if (!query->Step()) return std::nullopt;
  return query->ColumnText(0);
}

void SqliteListeningRepository::MarkPlayThroughCounted(std::string_view user_id,
                                                       std::string_view play_id) {
  auto update =
      conn_.Prepare("UPDATE play_throughs SET counted = 1 WHERE user_id = ?1 AND play_id = ?2");
  update->BindText(1, user_id).BindText(2, play_id);
  update->Run();
}

std::int64_t SqliteListeningRepository::ForgetPlayThroughsBefore(Timestamp started_before,
                                                                 int limit) {
  CheckForgetLimit(limit);
  auto remove = conn_.Prepare(
      "DELETE FROM play_throughs WHERE (user_id, play_id) IN (SELECT user_id, play_id "
      "FROM play_throughs WHERE started_at < ?1 LIMIT ?2)");
  remove->BindInt(1, started_before).BindInt(2, limit);
  remove->Run();
  return conn_.Changes();
}

std::int64_t SqliteListeningRepository::ForgetDailyPlaysBefore(std::int64_t day, int limit) {
  CheckForgetLimit(limit);
  // The limit-th old row in key order bounds the delete, so both statements are range scans
  // of the primary key. (A row-value IN over a LIMIT subquery is probed by day alone here,
  // reading every track of a day again for each batch.)
  std::optional<std::pair<std::int64_t, std::string>> last;
  {
    auto bound = conn_.Prepare(
        "SELECT day, track_id FROM track_daily_plays WHERE day < ?1 ORDER BY day, track_id "
        "LIMIT 1 OFFSET ?2");
    bound->BindInt(1, day).BindInt(2, limit - 1);
    if (bound->Step()) last.emplace(bound->ColumnInt(0), bound->ColumnText(1));
  }  // reset before the delete runs
  if (!last) {  // fewer than `limit` old rows: all of them
    auto remove = conn_.Prepare("DELETE FROM track_daily_plays WHERE day < ?1");
    remove->BindInt(1, day);
    remove->Run();
    return conn_.Changes();
  }
  auto remove =
      conn_.Prepare("DELETE FROM track_daily_plays WHERE (day, track_id) <= (?1, ?2)");
  remove->BindInt(1, last->first).BindText(2, last->second);
  remove->Run();
  return conn_.Changes();
}

void SqliteListeningRepository::AddTrackPlay(std::string_view track_id) {
  auto update = conn_.Prepare("UPDATE tracks SET play_count = play_count + 1 WHERE id = ?1");
  update->BindText(1, track_id);
  update->Run();
}

void SqliteListeningRepository::AddUserPlay(std::string_view user_id, std::string_view track_id,
                                            Timestamp at) {
  // The SELECT skips a user or track deleted since the event was recorded.
  auto upsert = conn_.Prepare(
      "INSERT INTO user_track_plays (user_id, track_id, plays, last_played_at) "
      "SELECT ?1, ?2, 1, ?3 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) "
      "AND EXISTS (SELECT 1 FROM tracks WHERE id = ?2) "
      "ON CONFLICT (user_id, track_id) DO UPDATE SET plays = plays + 1, "
      "last_played_at = MAX(last_played_at, excluded.last_played_at)");
  upsert->BindText(1, user_id).BindText(2, track_id).BindInt(3, at);
  upsert->Run();
}

void SqliteListeningRepository::AddDailyPlay(std::string_view track_id, std::int64_t day) {
  AdvancePopularWindow(day);
  auto upsert = conn_.Prepare(
      "INSERT INTO track_daily_plays (day, track_id, plays) "
      "SELECT ?1, ?2, 1 WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?2) "
      "ON CONFLICT (day, track_id) DO UPDATE SET plays = plays + 1");
  upsert->BindInt(1, day).BindText(2, track_id);
  upsert->Run();
  if (conn_.Changes() > 0) AddWindowPlay(track_id, day);  // 0: the track is gone
}

std::int64_t SqliteListeningRepository::TrackPlays(std::string_view track_id) {
  auto query = conn_.Prepare("SELECT play_count FROM tracks WHERE id = ?1");
  query->BindText(1, track_id);
  return query->Step() ? query->ColumnInt(0) : 0;
}

std::optional<TrackListening> SqliteListeningRepository::UserTrack(std::string_view user_id,
                                                                   std::string_view track_id) {
  auto query = conn_.Prepare(
      "SELECT track_id, plays, last_played_at FROM user_track_plays "
      "WHERE user_id = ?1 AND track_id = ?2");
  query->BindText(1, user_id).BindText(2, track_id);
  auto rows = ReadListening(*query);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<TrackListening> SqliteListeningRepository::RecentlyPlayed(std::string_view user_id,
                                                                      int limit, int offset) {
  auto query = conn_.Prepare(
      "SELECT track_id, plays, last_played_at FROM user_track_plays WHERE user_id = ?1 "
      "ORDER BY last_played_at DESC, track_id LIMIT ?2 OFFSET ?3");
  query->BindText(1, user_id).BindInt(2, limit).BindInt(3, offset);
  return ReadListening(*query);
}

std::vector<TrackListening> SqliteListeningRepository::MostPlayed(std::string_view user_id,
                                                                  int limit, int offset) {
  auto query = conn_.Prepare(
      "SELECT track_id, plays, last_played_at FROM user_track_plays WHERE user_id = ?1 "
      "ORDER BY plays DESC, last_played_at DESC, track_id LIMIT ?2 OFFSET ?3");
  query->BindText(1, user_id).BindInt(2, limit).BindInt(3, offset);
  return ReadListening(*query);
}

std::vector<TrackListening> SqliteListeningRepository::Popular(std::int64_t from_day,
                                                               std::int64_t to_day, int limit,
                                                               int offset) {
  if (auto ranked = WindowPopular(from_day, to_day, limit, offset)) return *std::move(ranked);
  auto query = conn_.Prepare(
      "SELECT track_id, SUM(plays) AS total, 0 FROM track_daily_plays "
      "WHERE day BETWEEN ?1 AND ?2 GROUP BY track_id ORDER BY total DESC, track_id "
      "LIMIT ?3 OFFSET ?4");
  query->BindInt(1, from_day).BindInt(2, to_day).BindInt(3, limit).BindInt(4, offset);
  return ReadListening(*query);
}

std::vector<TrackListening> SqliteListeningRepository::TopTracksOfArtist(
    std::string_view artist_id, int limit, int offset) {
  auto query = conn_.Prepare(
      "SELECT t.id, t.play_count, 0 FROM tracks t JOIN albums a ON a.id = t.album_id "
      "WHERE a.artist_id = ?1 AND t.status = 'ready' "
      "ORDER BY t.play_count DESC, t.id LIMIT ?2 OFFSET ?3");
  query->BindText(1, artist_id).BindInt(2, limit).BindInt(3, offset);
  return ReadListening(*query);
}

std::vector<std::string> SqliteListeningRepository::NewReleaseAlbumIds(int limit, int offset) {
  // SQLite sorts NULL below every value, so albums without a release date come last in DESC.
  auto query = conn_.Prepare(
      "SELECT a.id FROM albums a WHERE EXISTS (SELECT 1 FROM tracks t "
      "WHERE t.album_id = a.id AND t.status = 'ready') "
      "ORDER BY a.release_date DESC, a.created_at DESC, a.id DESC LIMIT ?1 OFFSET ?2");
  query->BindInt(1, limit).BindInt(2, offset);
  std::vector<std::string> ids;
  while (query->Step()) ids.push_back(query->ColumnText(0));
  return ids;
}

}  // namespace cadenza::sqlite
