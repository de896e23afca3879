#include "services/events/listening_stats.h"

#include "domain/error.h"
#include "services/events/event_consumers.h"

namespace cadenza {
namespace {

std::vector<PlayedTrack> WithTracks(CatalogTransaction& tx,
                                    const std::vector<TrackListening>& rows) {
  std::vector<PlayedTrack> out;
  out.reserve(rows.size());
  for (const TrackListening& row : rows) {
    std::optional<Track> track = tx.tracks().FindById(row.track_id);
    if (!track || track->status != TrackStatus::kReady) continue;
    out.push_back(PlayedTrack{
        .track = std::move(*track), .plays = row.plays, .last_played_at = row.last_played_at});
  }
  return out;
}

}  // namespace

std::vector<PlayedTrack> ListeningStats::RecentlyPlayed(const Principal& who, int limit,
                                                        int offset) {
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    return WithTracks(tx, tx.listening().RecentlyPlayed(who.user_id, limit, offset));
  });
}

std::vector<PlayedTrack> ListeningStats::MostPlayed(const Principal& who, int limit, int offset) {
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    return WithTracks(tx, tx.listening().MostPlayed(who.user_id, limit, offset));
  });
}

std::vector<PlayedTrack> ListeningStats::Popular(int limit, int offset) {
  std::int64_t today = EpochDay(clock_.Now());
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    return WithTracks(
        tx, tx.listening().Popular(today - kPopularDays + 1, today, limit, offset));
  });
}

std::vector<PlayedTrack> ListeningStats::TopTracks(std::string_view artist_id, int limit,
                                                   int offset) {
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    if (!tx.artists().FindById(artist_id)) throw NotFound("artist not found");
    return WithTracks(tx, tx.listening().TopTracksOfArtist(artist_id, limit, offset));
  });
}

std::vector<Album> ListeningStats::NewReleases(int limit, int offset) {
  return catalog_.ReadValue([&](CatalogTransaction& tx) {
    std::vector<Album> albums;
    for (const std::string& id : tx.listening().NewReleaseAlbumIds(limit, offset)) {
      if (std::optional<Album> album = tx.albums().FindById(id)) albums.push_back(*album);
    }
    return albums;
  });
}

}  // namespace cadenza
