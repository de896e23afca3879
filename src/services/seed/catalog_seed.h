#pragma once
// `cadenza dev seed`: a synthetic catalogue of N tracks for load tests, benchmarks and demos,
// bulk-loaded through the CatalogSeeder port. No audio exists behind it: tracks are `ready`
// with synthetic blob keys that name no blob.
#include <cstdint>
#include <functional>

#include "domain/time.h"
#include "ports/catalog_seeder.h"

namespace cadenza::seed {

struct SeedOptions {
  std::int64_t tracks = 0;         // exactly this many tracks are added
  std::uint64_t random_seed = 1;   // same seed, same as_of, same catalogue before => same rows
  Timestamp as_of = 0;             // the newest created_at; releases end on this day
  bool force = false;              // add to a catalogue that already has tracks
  std::int64_t batch_tracks = 20000;  // tracks per CatalogSeeder::Insert (one transaction)
};

struct SeedProgress {
  std::int64_t tracks_done = 0;
  std::int64_t tracks_total = 0;
};

struct SeedSummary {
  std::int64_t users = 0;  // artist and label accounts
  std::int64_t labels = 0;
  std::int64_t artists = 0;
  std::int64_t albums = 0;
  std::int64_t tracks = 0;
  std::int64_t plays = 0;  // the sum of play_count
  std::int64_t daily_plays = 0;  // rows of daily plays (listening history of the last days)
};

// Adds options.tracks tracks with their albums, artists and owning accounts, calling
// `on_batch` after each committed batch, then seeder.Finish().
//
// The shape: artists' album counts follow a power law (most have one album, a few dozens,
// so a few artists have hundreds of tracks); albums have 1-20 numbered tracks; release dates
// span five decades up to as_of; created_at spans the six years before as_of, recent
// releases shortly after their release date; names in thirteen languages and eight scripts;
// durations 1-12 minutes; play counts Pareto-distributed (median a handful, a few in the
// millions); about a quarter of the tracks (those with 18 plays or more) have daily plays on
// a few of the 14 UTC days ending on as_of's day, more days and plays the more plays they
// have, and the popularity window is rebuilt from them. Every track is ready (progress 1,
// duration and loudness known), its blob key "originals/<track id>". About a third of the artists belong to a few label accounts, the
// others to an account each. Accounts have the artist role and a password hash that is not
// an Argon2id string, so no password logs into them; they are not disabled.
//
// Ids are UUIDv7 of each row's created_at, so that id order stays creation order. The
// random sequence is derived from random_seed and the number of tracks already present, so
// seeding again with --force adds new rows instead of colliding with the earlier ones.
//
// Throws Error(kInvalidArgument) when options.tracks < 1, Error(kConflict) when the catalogue
// already has tracks and options.force is false, and what the seeder throws.
SeedSummary SeedCatalog(CatalogSeeder& seeder, const SeedOptions& options,
                        const std::function<void(const SeedProgress&)>& on_batch);

}  // namespace cadenza::seed
