#include "services/ingest_worker.h"

#include "services/album_cover.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "domain/error.h"
#include "services/album_cover.h"
#include "services/audio_sniff.h"
#include "services/text_rules.h"
#include "services/track_service.h"

namespace cadenza {

namespace fs = std::filesystem;

namespace {

// The tags worth showing a person: text that passes as a title (trimmed, no control
// characters, bounded), and a plausible track number. Anything else is left out, not stored.
TrackTags OfferedTags(const AudioTags& tags) {
  auto text = [](const std::optional<std::string>& value) -> std::optional<std::string> {
    if (!value) return std::nullopt;
    try {
      return CheckText(*value, "tag", TextLimits{});
    } catch (const Error&) {
      return std::nullopt;
    }
  };
  TrackTags offered;
  offered.title = text(tags.title);
  offered.artist = text(tags.artist);
  offered.album = text(tags.album);
  offered.date = text(tags.date);
  if (tags.track_number && *tags.track_number >= 1 && *tags.track_number <= 999) {
    offered.track_number = tags.track_number;
  }
  return offered;
}

// Progress written to the track while transcoding is scaled into [0, kTranscodeShare]: storing
// and committing follow, and 1 means "ready".
constexpr double kTranscodeShare = 0.95;
constexpr std::chrono::seconds kProgressEvery{2};
constexpr std::size_t kCopyChunk = 1 << 20;

std::int64_t Millis(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s).count();
}

// The attempt no longer holds its lease: another worker owns the job now.
struct LeaseLost {};

// Stop() asked this attempt to give its job back (it is not the job's last attempt).
struct HandBack {};

// The input can never be transcoded (the transcoder said so): retrying would not help.
struct PermanentFailure {
  std::string reason;
};

// Removes a folder tree when it goes out of scope, whatever happened in between.
class FolderGuard {
 public:
  explicit FolderGuard(fs::path path) : path_(std::move(path)) {}
  ~FolderGuard() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  FolderGuard(const FolderGuard&) = delete;
  FolderGuard& operator=(const FolderGuard&) = delete;

 private:
  fs::path path_;
};

// FFmpeg probes by content, but a few formats (MP3 without ID3, raw AAC) score better with
// the right extension; the sniffed type chooses it, never anything the uploader sent.
std::string ExtensionFor(std::string_view head) {
  std::string_view type = SniffAudioContentType(head);
  if (type == "audio/flac") return ".flac";
  if (type == "audio/ogg") return ".ogg";
  if (type == "audio/mpeg") return ".mp3";
  if (type == "audio/wav") return ".wav";
  if (type == "audio/aiff") return ".aiff";
  if (type == "audio/mp4") return ".m4a";
  return ".bin";
}

std::int64_t BitsPerSecond(std::int64_t bytes, std::int64_t duration, int timescale) {
  if (duration <= 0 || timescale <= 0) return 0;
  return std::llround(static_cast<double>(bytes) * 8.0 * timescale / static_cast<double>(duration));
}

std::int64_t FileSize(const fs::path& path) {
  return static_cast<std::int64_t>(fs::file_size(path));
}

std::string SegmentName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "seg-%05d.m4s", index);
  return name;
}

}  // namespace

std::string RenditionPrefix(std::string_view track_id, std::string_view job_id, int attempt) {
  return "renditions/" + std::string(track_id) + "/" + std::string(job_id) + "-" +
         std::to_string(attempt) + "/";
}

struct IngestAttempt {
  Job job;
  std::string owner;   // the lease owner for this attempt only
  std::string prefix;  // where this attempt's blobs go
  fs::path work;       // this attempt's scratch folder
  std::optional<std::string> original_key;  // the track's blob_key when the attempt began
  std::atomic<bool> lease_lost{false};
  std::atomic<double> progress{0};
  // Stop() may hand this attempt's job back (a worker thread's job that is not on its last
  // attempt: handing that one back would leave it never leased again).
  bool may_hand_back = false;
  std::thread::id thread = std::this_thread::get_id();  // the thread running the attempt
};

namespace {

// Renews the lease every `heartbeat` and writes the track's progress at most every 2 s, on a
// thread of its own while the attempt works. Stops (and joins) on destruction.
class AttemptMonitor {
 public:
  AttemptMonitor(Catalog& catalog, const Clock& clock, const IngestOptions& options,
                 IngestAttempt& attempt)
      : catalog_(catalog), clock_(clock), options_(options), attempt_(attempt) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~AttemptMonitor() { StopAndJoin(); }
  AttemptMonitor(const AttemptMonitor&) = delete;
  AttemptMonitor& operator=(const AttemptMonitor&) = delete;

  void StopAndJoin() {
    {
      MutexLock lock(mutex_);
      stop_ = true;
    }
    wake_.NotifyAll();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    using Steady = std::chrono::steady_clock;
    const auto heartbeat = std::max<std::chrono::seconds>(options_.heartbeat, std::chrono::seconds(1));
    const auto tick = std::min<std::chrono::seconds>(heartbeat, kProgressEvery);
    auto last_renew = Steady::now();
    auto last_progress = Steady::now();
    double written = 0;
    MutexLock lock(mutex_);
    for (;;) {
      const auto deadline = Steady::now() + tick;
      while (!stop_ && wake_.WaitUntil(lock, deadline)) {
      }
      if (stop_) return;
      lock.Unlock();
      auto now = Steady::now();
      try {
        if (now - last_renew >= heartbeat) {
          bool held = catalog_.WriteValue([&](CatalogTransaction& tx) {
            return tx.jobs().Renew(attempt_.job.id, attempt_.owner,
                                   clock_.Now() + Millis(options_.lease));
          });
          last_renew = now;
          if (!held) {
            attempt_.lease_lost = true;
            return;
          }
        }
        double progress = attempt_.progress.load();
        if (progress > written && now - last_progress >= kProgressEvery) {
          WriteProgress(progress);
          written = progress;
          last_progress = now;
        }
      } catch (const std::exception&) {
        // A busy or unreachable database: try again next tick. Should renewals keep failing
        // until the lease runs out, the commit's own lease check stops the attempt.
      }
      lock.Lock();
    }
  }

  void WriteProgress(double progress) {
    catalog_.Write([&](CatalogTransaction& tx) {
      std::optional<Track> track = tx.tracks().FindById(attempt_.job.subject_id);
      if (!track || track->status != TrackStatus::kProcessing) return;
      if (attempt_.original_key && track->blob_key != *attempt_.original_key) return;
      track->progress = progress;
      tx.tracks().Update(*track);
    });
  }

  Catalog& catalog_;
  const Clock& clock_;
  const IngestOptions& options_;
  IngestAttempt& attempt_;
  Mutex mutex_;
  CondVar wake_;
  bool stop_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

// A fresh job for a track whose audio was replaced while an older job worked on it.
Job FollowUpJob(const Job& previous, const IdGenerator& ids, Timestamp now) {
  Job next;
  next.id = ids.Next();
  next.kind = std::string(kTranscodeJobKind);
  next.subject_id = previous.subject_id;
  next.max_attempts = previous.max_attempts;
  next.run_after = now;
  next.created_at = now;
  return next;
}

}  // namespace

IngestWorker::IngestWorker(Catalog& catalog, BlobStore& blobs, Transcoder& transcoder,
                           const Clock& clock, IngestOptions options)
    : catalog_(catalog),
      blobs_(blobs),
      transcoder_(transcoder),
      clock_(clock),
      options_(std::move(options)),
      ids_(clock) {
  options_.concurrency = std::max(1, options_.concurrency);
  if (options_.worker_id.empty()) options_.worker_id = "worker";
  if (options_.work_dir.empty()) throw std::invalid_argument("IngestWorker: work_dir is empty");
}

IngestWorker::~IngestWorker() { Stop(); }

void IngestWorker::Start() {
  MutexLock lock(mutex_);
  if (!threads_.empty()) throw std::logic_error("IngestWorker::Start called twice");
  stopping_ = false;
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this] { Loop(); });
}

void IngestWorker::Stop() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.NotifyAll();
  for (std::thread& thread : threads) thread.join();
}

bool IngestWorker::RunOnce() { return TakeAndRun(false); }

void IngestWorker::Log(std::string_view message) const {
  if (options_.log) options_.log(message);
}

void IngestWorker::Loop() {
  while (!stopping_) {
    bool ran = false;
    try {
      ran = TakeAndRun(true);
    } catch (const std::exception& e) {
      Log(std::string("cannot lease transcode jobs: ") + e.what());
    }
    if (ran) continue;
    MutexLock lock(mutex_);
    const std::uint64_t seen = finished_jobs_;
    const auto deadline = std::chrono::steady_clock::now() + options_.poll_interval;
    while (!stopping_ && finished_jobs_ == seen && wake_.WaitUntil(lock, deadline)) {
    }
  }
}

bool IngestWorker::TakeAndRun(bool hand_back_if_stopping) {
  IngestAttempt attempt;
  attempt.owner = options_.worker_id + "/" + std::to_string(++lease_counter_);
  Timestamp now = clock_.Now();
  std::optional<Job> job = catalog_.WriteValue([&](CatalogTransaction& tx) {
    std::optional<Job> leased =
        tx.jobs().Lease(kTranscodeJobKind, attempt.owner, now, now + Millis(options_.lease));
    // The previous attempt died or failed without committing (a committed attempt removes
    // the job): its blobs, if any, go once this lease is taken.
    if (leased && leased->attempts > 1) {
      tx.blob_deletions().Enqueue(
          RenditionPrefix(leased->subject_id, leased->id, leased->attempts - 1));
    }
    return leased;
  });
  if (!job) return false;
  attempt.job = *std::move(job);
  attempt.prefix = RenditionPrefix(attempt.job.subject_id, attempt.job.id, attempt.job.attempts);
  attempt.work = options_.work_dir / (attempt.job.id + "-" + std::to_string(attempt.job.attempts));
  if (attempt.job.attempts > 1) {
    // Scratch files of a previous attempt that died on this machine.
    std::error_code ignored;
    fs::remove_all(options_.work_dir / (attempt.job.id + "-" + std::to_string(attempt.job.attempts - 1)),
                   ignored);
  }
  attempt.may_hand_back = hand_back_if_stopping && attempt.job.attempts < attempt.job.max_attempts;
  try {
    if (attempt.job.attempts > attempt.job.max_attempts) {
      // The last allowed attempt's worker died: record the failure rather than try again.
      RecordFailure(attempt, "the worker processing it stopped responding", false);
    } else {
      Run(attempt);
    }
  } catch (const std::exception& e) {
    // Only recording the outcome can land here (the database went away): the lease runs out
    // and the job is taken again.
    Log("transcode job " + attempt.job.id + ": cannot record the outcome: " + e.what());
  }
  {
    MutexLock lock(mutex_);
    ++finished_jobs_;
  }
  wake_.NotifyAll();
  return true;
}

void IngestWorker::Run(IngestAttempt& attempt) {
  const Job& job = attempt.job;
  FolderGuard cleanup(attempt.work);
  std::string failure;
  try {
    AttemptMonitor monitor(catalog_, clock_, options_, attempt);
    std::optional<Track> track = catalog_.ReadValue(
        [&](CatalogTransaction& tx) { return tx.tracks().FindById(job.subject_id); });
    if (!track) {
      catalog_.Write([&](CatalogTransaction& tx) { tx.jobs().Complete(job.id, attempt.owner); });
      Log("transcode job " + job.id + ": track " + job.subject_id + " is gone");
      return;
    }
    attempt.original_key = track->blob_key;

    // FFmpeg reads local files only: copy the original into the scratch folder.
    fs::create_directories(attempt.work / "out");
    std::unique_ptr<BlobReader> reader = blobs_.Open(track->blob_key);
    if (!reader) {
      throw std::runtime_error("the original upload " + track->blob_key +
                               " is missing from the blob store");
    }
    std::vector<char> buffer(kCopyChunk);
    std::size_t head = reader->ReadAt(0, buffer.data(), std::min<std::size_t>(buffer.size(), 64));
    fs::path input = attempt.work / ("original" + ExtensionFor(std::string_view(buffer.data(), head)));
    {
      std::ofstream out(input, std::ios::binary | std::ios::trunc);
      std::int64_t offset = 0;
      for (;;) {
        std::size_t n = reader->ReadAt(offset, buffer.data(), buffer.size());
        if (n == 0) break;
        out.write(buffer.data(), static_cast<std::streamsize>(n));
        offset += static_cast<std::int64_t>(n);
      }
      out.close();
      if (!out) throw std::runtime_error("cannot write " + input.string());
    }
    reader.reset();
    if (attempt.lease_lost) throw LeaseLost{};
    if (attempt.may_hand_back && stopping_) throw HandBack{};

    TranscodeOptions transcode;
    transcode.limits = options_.limits;
    transcode.threads = options_.threads_per_job;
    TranscodeResult result;
    try {
      result = transcoder_.Transcode(input, attempt.work / "out", transcode, [&](double p) {
        attempt.progress = std::clamp(p, 0.0, 1.0) * kTranscodeShare;
        // Throwing from the progress callback is how an attempt gives up mid-transcode; only
        // on the attempt's own thread, where the exception unwinds through Transcode to here.
        if (std::this_thread::get_id() != attempt.thread) return;
        if (attempt.lease_lost) throw LeaseLost{};
        if (attempt.may_hand_back && stopping_) throw HandBack{};
      });
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kUnprocessable) throw PermanentFailure{e.what()};
      throw;
    }
    if (attempt.lease_lost) throw LeaseLost{};

    // Store every output under this attempt's prefix, measuring what was stored.
    std::vector<Rendition> renditions;
    for (const EncodedRendition& encoded : result.renditions) {
      Rendition r;
      r.track_id = job.subject_id;
      r.spec = encoded.spec;
      r.packaging = encoded.packaging;
      r.codecs = encoded.codecs;
      r.sample_rate = encoded.sample_rate;
      r.channels = encoded.channels;
      r.timescale = encoded.timescale;
      r.duration = encoded.duration;
      const std::string name = RenditionName(encoded.spec);
      if (encoded.packaging == "cmaf") {
        r.blob_key = attempt.prefix + name + "/init.mp4";
        r.size_bytes = FileSize(encoded.main.path);
        blobs_.PutFile(r.blob_key, encoded.main.path);
        for (std::size_t i = 0; i < encoded.segments.size(); ++i) {
          if (attempt.lease_lost) throw LeaseLost{};
          const EncodedFile& file = encoded.segments[i];
          Segment segment;
          segment.index = static_cast<int>(i);
          segment.blob_key = attempt.prefix + name + "/" + SegmentName(segment.index);
          segment.duration = file.duration;
          segment.size_bytes = FileSize(file.path);
          blobs_.PutFile(segment.blob_key, file.path);
          r.size_bytes += segment.size_bytes;
          r.peak_bitrate = std::max(
              r.peak_bitrate, BitsPerSecond(segment.size_bytes, segment.duration, r.timescale));
          r.segments.push_back(std::move(segment));
        }
        r.average_bitrate = BitsPerSecond(r.size_bytes, r.duration, r.timescale);
      } else {
        r.blob_key = attempt.prefix + name + "." + std::string(CodecName(encoded.spec.codec));
        r.size_bytes = FileSize(encoded.main.path);
        blobs_.PutFile(r.blob_key, encoded.main.path);
        r.average_bitrate = BitsPerSecond(r.size_bytes, r.duration, r.timescale);
        r.peak_bitrate = r.average_bitrate;
      }
      if (attempt.lease_lost) throw LeaseLost{};
      renditions.push_back(std::move(r));
    }
    monitor.StopAndJoin();  // no progress write may land after the commit

    enum class Outcome { kReady, kLeaseLost, kTrackGone, kOriginalReplaced } outcome{};
    catalog_.Write([&](CatalogTransaction& tx) {
      Timestamp now = clock_.Now();
      if (!tx.jobs().Renew(job.id, attempt.owner, now + Millis(options_.lease))) {
        tx.blob_deletions().Enqueue(attempt.prefix);
        outcome = Outcome::kLeaseLost;
        return;
      }
      std::optional<Track> current = tx.tracks().FindById(job.subject_id);
      if (!current || current->blob_key != *attempt.original_key) {
        tx.jobs().Complete(job.id, attempt.owner);
        tx.blob_deletions().Enqueue(attempt.prefix);
        if (!current) {
          outcome = Outcome::kTrackGone;
          return;
        }
        // The audio was replaced meanwhile: this output describes the old original.
        tx.jobs().Enqueue(FollowUpJob(job, ids_, now));
        outcome = Outcome::kOriginalReplaced;
        return;
      }
      tx.renditions().ReplaceForTrack(current->id, renditions);
      current->status = TrackStatus::kReady;
      current->progress = 1;
      current->error.reset();
      current->duration_ms = result.probe.duration_ms;
      current->loudness = result.loudness;
      const AudioTags& tags = result.probe.tags;
      if (current->title == kPlaceholderTrackTitle && tags.title) {
        try {
          current->title = CheckText(*tags.title, "title", TextLimits{});
        } catch (const Error&) {
          // A tag that would not pass as a title (empty, too long, control characters).
        }
      }
      if (!current->track_number && tags.track_number && *tags.track_number >= 1 &&
          *tags.track_number <= 999) {
        current->track_number = tags.track_number;
      }
      current->tags = OfferedTags(tags);
      current->updated_at = now;
      tx.tracks().Update(*current);
      tx.jobs().Complete(job.id, attempt.owner);
      outcome = Outcome::kReady;
    });
    switch (outcome) {
      case Outcome::kReady:
        Log("track " + job.subject_id + " is ready (job " + job.id + ", attempt " +
            std::to_string(job.attempts) + ")");
        if (result.probe.tags.cover_art) {
          AdoptEmbeddedCover(job.subject_id, *result.probe.tags.cover_art);
        }
        break;
      case Outcome::kLeaseLost:
        Log("transcode job " + job.id + ": lease lost before commit; output discarded");
        break;
      case Outcome::kTrackGone:
        Log("transcode job " + job.id + ": track deleted while transcoding; output discarded");
        break;
      case Outcome::kOriginalReplaced:
        Log("transcode job " + job.id + ": the track's audio was replaced; transcoding again");
        break;
    }
    return;
  } catch (const LeaseLost&) {
    catalog_.Write([&](CatalogTransaction& tx) { tx.blob_deletions().Enqueue(attempt.prefix); });
    Log("transcode job " + job.id + ": lease lost; another worker has it");
    return;
  } catch (const HandBack&) {
    // Nothing was stored yet (storing comes after transcoding). Runnable at once, so another
    // worker (or this one after a restart) takes it without waiting for the lease to expire.
    catalog_.Write([&](CatalogTransaction& tx) {
      tx.jobs().Retry(job.id, attempt.owner, clock_.Now(), "the worker stopped");
    });
    Log("transcode job " + job.id + ": handed back (worker stopping)");
    return;
  } catch (const PermanentFailure& permanent) {
    RecordFailure(attempt, permanent.reason, true);
    return;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  RecordFailure(attempt, failure, false);
}

void IngestWorker::AdoptEmbeddedCover(const std::string& track_id, const std::string& picture) {
  if (options_.images == nullptr) return;
  try {
    std::optional<std::string> album_id =
        catalog_.ReadValue([&](CatalogTransaction& tx) -> std::optional<std::string> {
          std::optional<Track> track = tx.tracks().FindById(track_id);
          if (!track) return std::nullopt;
          std::optional<Album> album = tx.albums().FindById(track->album_id);
          if (!album || album->cover_key) return std::nullopt;
          return album->id;
        });
    if (!album_id) return;
    std::optional<Album> album = StoreAlbumCover(
        catalog_, blobs_, *options_.images, ids_, clock_, *album_id, picture,
        // Another track or an upload may have set a cover meanwhile: that one wins.
        [](CatalogTransaction&, const Album& current) { return !current.cover_key.has_value(); });
    if (album) Log("album " + *album_id + " takes its cover from track " + track_id);
  } catch (const std::exception& e) {
    Log("track " + track_id + ": embedded cover art not used: " + e.what());
  }
}

void IngestWorker::RecordFailure(IngestAttempt& attempt, const std::string& reason,
                                 bool permanent) {
  const Job& job = attempt.job;
  const bool give_up = permanent || job.attempts >= job.max_attempts;
  catalog_.Write([&](CatalogTransaction& tx) {
    // Whatever this attempt stored is never committed now.
    tx.blob_deletions().Enqueue(attempt.prefix);
    Timestamp now = clock_.Now();
    if (!give_up) {
      // A failure that may pass (storage or database trouble, a missing blob).
      std::int64_t delay = Millis(options_.backoff_base) << std::min(job.attempts - 1, 20);
      tx.jobs().Retry(job.id, attempt.owner, now + delay, reason);
      return;
    }
    if (!tx.jobs().Complete(job.id, attempt.owner)) return;  // another worker has it now
    std::optional<Track> track = tx.tracks().FindById(job.subject_id);
    if (!track) return;
    if (attempt.original_key && track->blob_key != *attempt.original_key) {
      tx.jobs().Enqueue(FollowUpJob(job, ids_, now));  // the failure was the old audio's
      return;
    }
    // Renditions of an earlier original would play audio the track no longer has.
    tx.renditions().ReplaceForTrack(track->id, {});
    track->status = TrackStatus::kFailed;
    track->progress = 0;
    track->error = permanent ? reason
                             : "processing failed after " +
                                   std::to_string(std::min(job.attempts, job.max_attempts)) +
                                   " attempts: " + reason;
    track->updated_at = now;
    tx.tracks().Update(*track);
  });
  if (permanent) {
    Log("track " + job.subject_id + " failed: " + reason);
  } else {
    Log("transcode job " + job.id + " attempt " + std::to_string(job.attempts) + " failed" +
        (give_up ? " (giving up): " : " (will retry): ") + reason);
  }
}

}  // namespace cadenza
