#pragma once
// Shared set-up for the ingest tests: the real FfmpegTranscoder, a real SQLite catalogue and a
// real LocalBlobStore in a fresh folder, TrackService for the upload flow, a clock the test
// moves by hand, and helpers that compare what the blob folder holds with what the database
// points to.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "unit/support/catalog_seed.h"
#include "unit/support/test_fixtures.h"
#include "adapters/ffmpeg/ffmpeg_transcoder.h"
#include "adapters/localfs/local_blob_store.h"
#include "adapters/sqlite/sqlite_catalog.h"
#include "domain/entities.h"
#include "domain/error.h"
#include "domain/principal.h"
#include "media/layout.h"
#include "ports/clock.h"
#include "services/blob_janitor.h"
#include "services/id_generator.h"
#include "services/ingest/ingest_worker.h"
#include "services/local_blob_endpoint.h"
#include "services/track_service.h"
#include "services/url_signer.h"

namespace cadenza::ingest_testing {

namespace fs = std::filesystem;

inline constexpr Timestamp kStart = 1'800'000'000'000;
inline constexpr std::chrono::seconds kLease{60};
inline constexpr std::chrono::seconds kBackoff{5};

using test_support::ManualClock;
using test_support::TempDir;

inline std::string Quote(const fs::path& path) {
  std::string out = "'";
  for (char c : path.string()) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A FLAC of `seconds` of a stereo sine, 44.1 kHz, with a title and track-number tag, made by
// the ffmpeg command-line tool (a test dependency).
inline std::string GenerateFlac(const fs::path& dir, double seconds, int frequency = 440,
                                std::string_view title_tag = "Tagged Title", int track_tag = 7) {
  fs::path path = dir / ("sine-" + std::to_string(frequency) + ".flac");
  std::string command = "ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=" +
                        std::to_string(frequency) + ":duration=" + std::to_string(seconds) +
                        ":sample_rate=44100 -ac 2 -c:a flac -metadata title=\"" +
                        std::string(title_tag) + "\" -metadata track=" + std::to_string(track_tag) +
                        " " + Quote(path);
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  return ReadFile(path);
}

// Forwards to a real transcoder; `after_transcode` runs once the outputs are written, before
// the worker stores them (to act while a job is in progress).
class HookedTranscoder final : public Transcoder {
 public:
  explicit HookedTranscoder(Transcoder& inner) : inner_(inner) {}
  std::function<void()> after_transcode;
  // Runs on the first progress report, before the worker sees it.
  std::function<void()> on_first_progress;
  int calls = 0;

  ProbeResult Probe(const fs::path& input, const MediaLimits& limits) override {
    return inner_.Probe(input, limits);
  }
  TranscodeResult Transcode(const fs::path& input, const fs::path& work_dir,
                            const TranscodeOptions& options,
                            const std::function<void(double)>& progress) override {
    ++calls;
    bool first = true;
    auto report = [&](double p) {
      if (first && on_first_progress) {
        first = false;
        auto hook = std::move(on_first_progress);
        on_first_progress = nullptr;
        hook();
      }
      if (progress) progress(p);
    };
    TranscodeResult result = inner_.Transcode(input, work_dir, options, report);
    if (after_transcode) {
      auto hook = std::move(after_transcode);
      after_transcode = nullptr;
      hook();
    }
    return result;
  }

 private:
  Transcoder& inner_;
};

class IngestFixture : public ::testing::Test {
 protected:
  IngestFixture()
      : clock_(kStart),
        catalog_(MakeCatalog(dir_.path())),
        signer_(std::string(48, 'k'), clock_),
        blobs_(dir_.path() / "blobs", LocalBlobUrls{"/blobs/", &signer_}),
        ids_(clock_),
        tracks_(*catalog_, blobs_, ids_, clock_, TrackOptionsForTests()),
        endpoint_(tracks_.uploads(), blobs_, signer_, clock_),
        hooked_(ffmpeg_),
        janitor_(*catalog_, blobs_, clock_) {
    artist_ = AddUser(Role::kArtist);
    album_ = AddAlbum(artist_);
  }

  static std::unique_ptr<Catalog> MakeCatalog(const fs::path& dir) {
    auto catalog = OpenSqliteCatalog(dir / "cadenza.db");
    catalog->Migrate();
    return catalog;
  }

  static TrackOptions TrackOptionsForTests() {
    TrackOptions options;
    options.max_upload_bytes = 64 << 20;
    return options;
  }

  IngestOptions WorkerOptions(std::string id) const {
    IngestOptions options;
    options.worker_id = std::move(id);
    options.lease = kLease;
    options.backoff_base = kBackoff;
    options.work_dir = dir_.path() / "work";
    options.threads_per_job = 2;
    return options;
  }

  Principal AddUser(Role role) { return test_support::SeedUser(*catalog_, ids_, clock_, role); }
  Album AddAlbum(const Principal& owner) {
    return test_support::SeedAlbum(*catalog_, ids_, clock_, owner);
  }

  static std::string KeyOf(std::string_view url) {
    std::string_view key = url.substr(std::string_view("/blobs/").size());
    return std::string(key.substr(0, key.find('?')));
  }

  // The whole upload flow of the API: slot, signed PUT of `bytes`. Returns the upload's key
  // to claim.
  std::string Upload(std::string_view bytes, std::optional<std::string> track_id = std::nullopt) {
    UploadTicket ticket = track_id ? tracks_.IssueUpdateUrl(artist_, *track_id)
                                   : tracks_.IssueUploadUrl(artist_);
    const std::string& url = ticket.grant.url;
    std::string key = KeyOf(url);
    std::multimap<std::string, std::string> query;
    std::string_view rest = std::string_view(url).substr(url.find('?') + 1);
    while (!rest.empty()) {
      std::size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      std::size_t eq = pair.find('=');
      std::string value(pair.substr(eq + 1));
      std::string decoded;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size()) {
          decoded.push_back(static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16)));
          i += 2;
        } else {
          decoded.push_back(value[i]);
        }
      }
      query.emplace(std::string(pair.substr(0, eq)), decoded);
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    SignedGrant grant = endpoint_.Verify(BlobAccess::kWrite, key, query);
    fs::path spooled = blobs_.SpoolDirectory() / ("body-" + ids_.Next());
    {
      std::ofstream out(spooled, std::ios::binary);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    endpoint_.StoreUpload(grant, spooled);
    return ticket.blob_key;
  }

  Track CreateTrack(std::string_view bytes, std::optional<std::string> title = std::nullopt,
                    std::optional<int> track_number = std::nullopt) {
    std::string url = Upload(bytes);
    return tracks_.Create(artist_, NewTrack{album_.id, std::move(title), url, track_number});
  }

  Track GetTrack(std::string_view id) { return tracks_.Get(artist_, id); }

  std::optional<Job> JobOf(std::string_view track_id) {
    return catalog_->ReadValue([&](CatalogTransaction& tx) {
      return tx.jobs().FindBySubject(kTranscodeJobKind, track_id);
    });
  }

  std::vector<Rendition> RenditionsOf(std::string_view track_id) {
    return catalog_->ReadValue(
        [&](CatalogTransaction& tx) { return tx.renditions().ListForTrack(track_id); });
  }

  // Every blob key the database points to for these tracks: originals and all rendition files.
  std::set<std::string> ReferencedKeys(const std::vector<std::string>& track_ids) {
    std::set<std::string> keys;
    for (const std::string& id : track_ids) {
      std::optional<Track> track = catalog_->ReadValue(
          [&](CatalogTransaction& tx) { return tx.tracks().FindById(id); });
      if (!track) continue;
      keys.insert(track->blob_key);
      for (const Rendition& r : RenditionsOf(id)) {
        keys.insert(r.blob_key);
        for (const Segment& s : r.segments) keys.insert(s.blob_key);
      }
    }
    return keys;
  }

  // Every blob in the store's folder (the spool aside), as keys.
  std::set<std::string> StoredKeys() {
    std::set<std::string> keys;
    const fs::path root = blobs_.root();
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      if (it->path().filename() == ".spool") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) keys.insert(fs::relative(it->path(), root).string());
    }
    return keys;
  }

  std::vector<std::string> QueuedDeletions() {
    return catalog_->ReadValue([](CatalogTransaction& tx) { return tx.blob_deletions().Peek(10000); });
  }

  // Checks that the track has the nine standard renditions with every blob stored at the
  // size recorded, all under one attempt's prefix; returns that prefix.
  std::string ExpectCompleteRenditions(const Track& track) {
    std::vector<Rendition> renditions = RenditionsOf(track.id);
    EXPECT_EQ(renditions.size(), StandardRenditions().size());
    std::string prefix;
    for (const Rendition& r : renditions) {
      std::string name = RenditionName(r.spec);
      std::string expected_start = "renditions/" + track.id + "/";
      EXPECT_TRUE(r.blob_key.starts_with(expected_start)) << r.blob_key;
      std::string attempt = r.blob_key.substr(0, r.blob_key.find('/', expected_start.size()) + 1);
      if (prefix.empty()) prefix = attempt;
      EXPECT_EQ(attempt, prefix) << "every rendition comes from the same attempt";
      std::optional<BlobInfo> main = blobs_.Stat(r.blob_key);
      EXPECT_TRUE(main) << r.blob_key;
      EXPECT_GT(r.duration, 0) << name;
      EXPECT_GT(r.timescale, 0) << name;
      EXPECT_GT(r.average_bitrate, 0) << name;
      EXPECT_GE(r.peak_bitrate, r.average_bitrate / 2) << name;
      std::int64_t total = main ? main->size : 0;
      if (r.spec.codec == Codec::kMp3) {
        EXPECT_EQ(r.packaging, "progressive") << name;
        EXPECT_EQ(r.blob_key, prefix + name + ".mp3");
        EXPECT_TRUE(r.segments.empty()) << name;
      } else {
        EXPECT_EQ(r.packaging, "cmaf") << name;
        EXPECT_EQ(r.blob_key, prefix + name + "/init.mp4");
        EXPECT_FALSE(r.segments.empty()) << name;
        std::int64_t timeline = 0;
        for (const Segment& s : r.segments) timeline += s.duration;
        EXPECT_GE(timeline, r.duration) << name;  // the segments cover the whole audio
        for (std::size_t i = 0; i < r.segments.size(); ++i) {
          const Segment& s = r.segments[i];
          char expected[32];
          std::snprintf(expected, sizeof expected, "/seg-%05zu.m4s", i);
          EXPECT_EQ(s.blob_key, prefix + name + expected);
          EXPECT_EQ(s.index, static_cast<int>(i));
          EXPECT_GT(s.duration, 0);
          std::optional<BlobInfo> info = blobs_.Stat(s.blob_key);
          EXPECT_TRUE(info) << s.blob_key;
          if (!info) continue;
          EXPECT_EQ(info->size, s.size_bytes) << s.blob_key;
          total += info->size;
        }
      }
      EXPECT_EQ(total, r.size_bytes) << name;
      // The measured bitrate is in the neighbourhood of the nominal one (sine waves are easy
      // to encode, so VBR encoders may undershoot a lot; no encoder doubles its target).
      EXPECT_LT(r.average_bitrate, 2LL * r.spec.bitrate_kbps * 1000) << name;
    }
    return prefix;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Catalog> catalog_;
  UrlSigner signer_;
  LocalBlobStore blobs_;
  IdGenerator ids_;
  TrackService tracks_;
  LocalBlobEndpoint endpoint_;
  FfmpegTranscoder ffmpeg_;
  HookedTranscoder hooked_;
  BlobJanitor janitor_;
  Principal artist_;
  Album album_;
};

}  // namespace cadenza::ingest_testing
