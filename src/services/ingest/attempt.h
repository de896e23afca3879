#pragma once
// One leased attempt at a transcode job, shared by the parts of the ingest worker: the worker
// thread that runs it, the monitor thread that renews its lease (attempt_monitor.h), and the
// encoder threads that report its progress.
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "domain/job.h"

namespace cadenza {

// Thrown on the attempt's thread to abandon it; the worker's Run catches each.
struct LeaseLost {};        // the attempt no longer holds its lease: another worker owns the job
struct HandBack {};         // Stop() asked this attempt to give its job back
struct PermanentFailure {   // the input can never be transcoded: retrying would not help
  std::string reason;
};
struct TranscoderFailure {  // the transcoder itself failed (crashed, ran out of time or memory)
  std::string reason;       // worded for people by the transcoder
};

struct IngestAttempt {
  Job job;
  std::string owner;                // the lease owner for this attempt only
  std::string prefix;               // where this attempt's blobs go (media/layout.h RenditionPrefix)
  std::filesystem::path work;       // this attempt's scratch folder
  std::optional<std::string> original_key;  // the track's blob_key when the attempt began
  std::atomic<bool> lease_lost{false};      // set by the monitor
  std::atomic<double> progress{0};          // 0..1, written by the transcoder's callback
  // Stop() may hand this attempt's job back (a worker thread's job that is not on its last
  // attempt: handing that one back would leave it never leased again).
  bool may_hand_back = false;
  const std::atomic<bool>* stopping = nullptr;  // the worker's Stop() flag; null: never stops
  std::thread::id thread = std::this_thread::get_id();  // the thread running the attempt

  // Throws LeaseLost once the monitor found the lease gone.
  void ThrowIfLeaseLost() const {
    if (lease_lost) throw LeaseLost{};
  }
  // Throws LeaseLost as above, or HandBack when Stop() began and the job may be handed back.
  void ThrowIfAbandoned() const {
    ThrowIfLeaseLost();
    if (may_hand_back && stopping != nullptr && stopping->load()) throw HandBack{};
  }
};

}  // namespace cadenza
