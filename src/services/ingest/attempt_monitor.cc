#include "services/ingest/attempt_monitor.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "domain/entities.h"

namespace cadenza {

AttemptMonitor::AttemptMonitor(Catalog& catalog, const Clock& clock, MonitorTiming timing,
                               IngestAttempt& attempt)
    : catalog_(catalog),
      clock_(clock),
      timing_(timing),
      attempt_(attempt),
      last_renewal_(clock.Now()),
      last_progress_(last_renewal_) {}

AttemptMonitor::~AttemptMonitor() { Stop(); }

void AttemptMonitor::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void AttemptMonitor::Stop() {
  {
    MutexLock lock(mutex_);
    stop_ = true;
  }
  wake_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void AttemptMonitor::Loop() {
  const auto tick = std::max(timing_.tick, std::chrono::milliseconds(1));
  MutexLock lock(mutex_);
  for (;;) {
    const auto deadline = std::chrono::steady_clock::now() + tick;
    while (!stop_ && wake_.WaitUntil(lock, deadline)) {
    }
    if (stop_) return;
    lock.Unlock();
    if (!Check()) return;
    lock.Lock();
  }
}

bool AttemptMonitor::Check() {
  if (attempt_.lease_lost) return false;
  try {
    const Timestamp now = clock_.Now();
    if (now - last_renewal_ >= timing_.heartbeat.count() || now < last_renewal_) {
      if (!Renew()) {
        attempt_.lease_lost = true;
        return false;
      }
      last_renewal_ = now;
    }
    const double progress = attempt_.progress.load();
    if (progress > written_progress_ && now - last_progress_ >= timing_.progress_every.count()) {
      WriteProgress(progress);
      written_progress_ = progress;
      last_progress_ = now;
    }
  } catch (const std::exception&) {
    // A busy or unreachable database: try again at the next check.
  }
  return true;
}

bool AttemptMonitor::Renew() {
  return catalog_.WriteValue([&](CatalogTransaction& tx) {
    return tx.jobs().Renew(attempt_.job.id, attempt_.owner, clock_.Now() + timing_.lease.count());
  });
}

void AttemptMonitor::WriteProgress(double progress) {
  catalog_.Write([&](CatalogTransaction& tx) {
    std::optional<Track> track = tx.tracks().FindById(attempt_.job.subject_id);
    if (!track || track->status != TrackStatus::kProcessing) return;
    if (attempt_.original_key && track->blob_key != *attempt_.original_key) return;
    track->progress = progress;
    tx.tracks().Update(*track);
  });
}

}  // namespace cadenza
