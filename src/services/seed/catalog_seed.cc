#include "services/seed/catalog_seed.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/error.h"
#include "domain/ids.h"
#include "services/seed/seed_names.h"
#include "services/seed/seed_random.h"

namespace cadenza::seed {
namespace {

constexpr Timestamp kSecond = 1000;
constexpr Timestamp kDay = 86400 * kSecond;
constexpr Timestamp kYear = 365 * kDay;
constexpr Timestamp kServiceAge = 6 * kYear;      // created_at spans this long before as_of
constexpr std::int64_t kCatalogueYears = 50;      // release dates span this long
constexpr int kMaxAlbumsPerArtist = 60;
constexpr double kAlbumCountTail = 1.3;           // Pareto index of albums per artist
constexpr double kLabelShare = 0.35;              // artists owned by a label account
constexpr double kPlayCountTail = 0.6;            // Pareto index of play counts
constexpr std::int64_t kMaxPlays = 5'000'000;
constexpr std::int64_t kBytesPerMs = 40;          // a 320 kbit/s original
// Listening history: tracks with at least kRecentPlaysFrom plays (about a quarter) were
// played on a few of the last kHistoryDays days, more days and more plays a day the more
// plays they have, so that the recent chart has a long tail.
constexpr std::int64_t kRecentPlaysFrom = 18;
constexpr int kHistoryDays = 14;
constexpr double kDaysPerYear = 365.0;

// "YYYY-MM-DD" of a day counted from 1970-01-01 (H. Hinnant's civil_from_days).
std::string DateOfDay(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(year),
                static_cast<int>(month), static_cast<int>(day));
  return text;
}

// Tracks on one album: singles, EPs and LPs.
int AlbumSize(SeedRandom& random) {
  const double kind = random.Unit();
  if (kind < 0.2) return 1;
  if (kind < 0.4) return static_cast<int>(random.Between(2, 6));
  return static_cast<int>(random.Between(7, 20));
}

class Generator {
 public:
  Generator(const SeedOptions& options, std::int64_t existing_tracks)
      : random_(options.random_seed * 0x9E3779B97F4A7C15ULL +
                static_cast<std::uint64_t>(existing_tracks)),
        // A stream of its own: the catalogue of a seed stays what it was without history.
        history_random_((options.random_seed ^ 0x5DEECE66DULL) * 0x9E3779B97F4A7C15ULL +
                        static_cast<std::uint64_t>(existing_tracks)),
        options_(options),
        run_(existing_tracks),
        service_start_(options.as_of - kServiceAge) {}

  // Adds whole artists until the batch holds batch_tracks tracks or all are made.
  void Fill(SeedBatch& batch) {
    if (labels_.empty()) AddLabels(batch);
    while (summary_.tracks < options_.tracks &&
           static_cast<std::int64_t>(batch.tracks.size()) < options_.batch_tracks) {
      AddArtist(batch);
    }
  }

  bool done() const { return summary_.tracks >= options_.tracks; }
  const SeedSummary& summary() const { return summary_; }

 private:
  struct PlannedAlbum {
    std::int64_t release_day = 0;
    Timestamp created_at = 0;
    int size = 0;
  };

  std::string NewId(Timestamp at) { return MakeUuidV7(at, random_.Bytes(10)); }

  User NewAccount(Timestamp created_at, const std::string& display_name, const char* kind) {
    User user;
    user.id = NewId(created_at);
    user.email = std::string(kind) + std::to_string(summary_.users) + "-" +
                 std::to_string(run_) + "@seed.cadenza.invalid";
    // Not an Argon2id string: verification fails for every password.
    user.password_hash = "!seed-no-login$" + NewId(created_at);
    user.display_name = display_name;
    user.role = Role::kArtist;
    user.created_at = user.updated_at = created_at;
    ++summary_.users;
    return user;
  }

  void AddLabels(SeedBatch& batch) {
    const std::int64_t count = std::clamp<std::int64_t>(options_.tracks / 50000, 3, 20);
    for (std::int64_t i = 0; i < count; ++i) {
      const Timestamp at = service_start_ - random_.Between(kDay, 30 * kDay);  // before any artist
      User label = NewAccount(at, LabelName(random_), "label");
      labels_.push_back(label.id);
      label_weights_.push_back(1.0 / static_cast<double>(i + 1));  // Zipf: a few big labels
      batch.users.push_back(std::move(label));
      ++summary_.labels;
    }
  }

  std::vector<PlannedAlbum> PlanAlbums() {
    const int count = std::min(kMaxAlbumsPerArtist,
                               static_cast<int>(random_.Pareto(kAlbumCountTail)));
    const std::int64_t last_day = options_.as_of / kDay;
    // Debuts lean recent: more artists started lately than fifty years ago.
    const auto debut_age = static_cast<std::int64_t>(
        std::pow(random_.Unit(), 2.0) * static_cast<double>(kCatalogueYears * 365));
    std::vector<PlannedAlbum> albums(static_cast<std::size_t>(count));
    for (PlannedAlbum& album : albums) {
      album.release_day = last_day - random_.Between(0, debut_age);
      album.size = AlbumSize(random_);
      const Timestamp released = album.release_day * kDay;
      album.created_at =
          released >= service_start_
              ? std::min(options_.as_of - kDay, released + random_.Between(0, 14 * kDay))
              : service_start_ + random_.Between(0, kServiceAge - kDay);  // back catalogue
    }
    std::sort(albums.begin(), albums.end(),
              [](const PlannedAlbum& a, const PlannedAlbum& b) { return a.release_day < b.release_day; });
    return albums;
  }

  void AddArtist(SeedBatch& batch) {
    const Language language = PickLanguage(random_);
    std::vector<PlannedAlbum> albums = PlanAlbums();
    Timestamp first = options_.as_of;
    for (const PlannedAlbum& album : albums) first = std::min(first, album.created_at);
    Artist artist;
    artist.created_at = artist.updated_at =
        std::max(service_start_, first - random_.Between(kSecond, 7 * kDay));
    artist.id = NewId(artist.created_at);
    artist.name = ArtistName(random_, language);
    if (random_.Chance(kLabelShare)) {
      artist.owner_user_id = labels_[random_.Weighted(label_weights_)];
    } else {
      User owner = NewAccount(std::max(service_start_, artist.created_at - kDay), artist.name,
                              "artist");
      artist.owner_user_id = owner.id;
      batch.users.push_back(std::move(owner));
    }
    batch.artists.push_back(artist);
    ++summary_.artists;
    for (const PlannedAlbum& planned : albums) {
      if (done()) break;
      AddAlbum(batch, artist.id, planned, language);
    }
  }

  void AddAlbum(SeedBatch& batch, const std::string& artist_id, const PlannedAlbum& planned,
                Language language) {
    Album album;
    album.id = NewId(planned.created_at);
    album.artist_id = artist_id;
    album.title = AlbumTitle(random_, language);
    album.release_date = DateOfDay(planned.release_day);
    album.created_at = album.updated_at = planned.created_at;
    const int size = static_cast<int>(
        std::min<std::int64_t>(planned.size, options_.tracks - summary_.tracks));
    for (int number = 1; number <= size; ++number) {
      batch.tracks.push_back(NewTrack(album, number, language));
      AddRecentPlays(batch, batch.tracks.back());
    }
    batch.albums.push_back(std::move(album));
    ++summary_.albums;
  }

  SeedTrack NewTrack(const Album& album, int number, Language language) {
    SeedTrack seed;
    Track& track = seed.track;
    // Uploaded one after the other, a few seconds apart.
    track.created_at = track.updated_at = album.created_at + Timestamp{number} * 3 * kSecond;
    track.id = NewId(track.created_at);
    track.album_id = album.id;
    track.title = TrackTitle(random_, language);
    track.track_number = number;
    track.blob_key = "originals/" + track.id;
    const double seconds = std::clamp(std::exp(std::log(225.0) + 0.35 * random_.Normal()), 60.0, 719.0);
    track.duration_ms = static_cast<std::int64_t>(seconds * 1000);
    track.blob_size = *track.duration_ms * kBytesPerMs;
    track.status = TrackStatus::kReady;
    track.progress = 1;
    const double lufs = std::round((-9.0 - 6.0 * random_.Unit()) * 10) / 10;
    track.loudness = Loudness{lufs, std::round((-0.1 - 2.0 * random_.Unit()) * 10) / 10,
                              kTargetLufs - lufs};
    const auto plays = static_cast<std::int64_t>(2 * random_.Pareto(kPlayCountTail)) - 2;
    seed.play_count = plays > kMaxPlays ? random_.Between(kMaxPlays / 2, kMaxPlays) : plays;
    ++summary_.tracks;
    summary_.plays += seed.play_count;
    return seed;
  }

  // Daily plays of the last kHistoryDays days up to as_of's day, none before the track was
  // added: 1 + log2(play_count / kRecentPlaysFrom) distinct days, each with about a year's
  // share of the track's plays.
  void AddRecentPlays(SeedBatch& batch, const SeedTrack& seed) {
    if (seed.play_count < kRecentPlaysFrom) return;
    const std::int64_t last_day = options_.as_of / kDay;
    const std::int64_t first_day =
        std::max(last_day - kHistoryDays + 1, seed.track.created_at / kDay);
    const auto available = static_cast<int>(last_day - first_day + 1);
    if (available < 1) return;
    const int wanted = 1 + static_cast<int>(std::log2(static_cast<double>(seed.play_count) /
                                                      static_cast<double>(kRecentPlaysFrom)));
    const int count = std::min(available, wanted);
    std::int64_t days[kHistoryDays];
    for (int i = 0; i < available; ++i) days[i] = first_day + i;
    for (int i = 0; i < count; ++i) {  // a partial shuffle picks `count` distinct days
      std::swap(days[i], days[i + static_cast<int>(history_random_.Below(
                                          static_cast<std::uint64_t>(available - i)))]);
      const double share = static_cast<double>(seed.play_count) / kDaysPerYear;
      const auto plays = std::max<std::int64_t>(
          1, std::llround(share * (0.5 + history_random_.Unit())));
      batch.daily_plays.push_back({seed.track.id, days[i], plays});
      ++summary_.daily_plays;
    }
  }

  SeedRandom random_;
  SeedRandom history_random_;
  const SeedOptions& options_;
  std::int64_t run_;
  Timestamp service_start_;
  std::vector<std::string> labels_;
  std::vector<double> label_weights_;
  SeedSummary summary_;
};

// Rows in key order: each index then takes a batch's rows page by page rather than at random
// places all over it (the ids are spread over years of created_at).
void SortById(SeedBatch& batch) {
  auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
  std::sort(batch.users.begin(), batch.users.end(), by_id);
  std::sort(batch.artists.begin(), batch.artists.end(), by_id);
  std::sort(batch.albums.begin(), batch.albums.end(), by_id);
  std::sort(batch.tracks.begin(), batch.tracks.end(),
            [](const SeedTrack& a, const SeedTrack& b) { return a.track.id < b.track.id; });
  std::sort(batch.daily_plays.begin(), batch.daily_plays.end(),
            [](const SeedDailyPlays& a, const SeedDailyPlays& b) {
              return std::tie(a.day, a.track_id) < std::tie(b.day, b.track_id);
            });
}

}  // namespace

SeedSummary SeedCatalog(CatalogSeeder& seeder, const SeedOptions& options,
                        const std::function<void(const SeedProgress&)>& on_batch) {
  if (options.tracks < 1) throw InvalidArgument("tracks", "the number of tracks must be at least 1");
  if (options.batch_tracks < 1) {
    throw InvalidArgument("batch_tracks", "the batch size must be at least 1");
  }
  const std::int64_t existing = seeder.CountTracks();
  if (existing > 0 && !options.force) {
    throw Conflict("the catalogue already has " + std::to_string(existing) +
                   " tracks; pass --force to add the synthetic ones to them");
  }
  Generator generator(options, existing);
  while (!generator.done()) {
    SeedBatch batch;
    generator.Fill(batch);
    SortById(batch);
    seeder.Insert(batch);
    if (on_batch) on_batch({generator.summary().tracks, options.tracks});
  }
  seeder.Finish();
  return generator.summary();
}

}  // namespace cadenza::seed
