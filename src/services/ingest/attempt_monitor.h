#pragma once
// Keeps a running attempt's lease alive and its track's progress current, on a thread of its
// own while the attempt's thread copies, transcodes and stores. Time is read from the injected
// Clock, so a test that moves a manual clock past the heartbeat sees the lease renewed; `tick`
// only says how often the thread looks at the clock.
#include <chrono>
#include <thread>

#include "domain/time.h"
#include "ports/catalog.h"
#include "base/mutex.h"
#include "ports/clock.h"
#include "services/ingest/attempt.h"

namespace cadenza {

struct MonitorTiming {
  std::chrono::milliseconds lease{60'000};      // each renewal extends the lease this far
  std::chrono::milliseconds heartbeat{15'000};  // renew once this much clock time has passed
  std::chrono::milliseconds progress_every{2'000};  // write progress at most this often
  std::chrono::milliseconds tick{1'000};        // the thread's look at the clock; >= 1 ms
};

// Thread-safe as used: Check() runs on the monitor's thread once Start()ed (or on the caller's
// when it is not); Start/Stop from the attempt's thread. `catalog`, `clock` and `attempt` must
// outlive the monitor. The destructor calls Stop().
class AttemptMonitor {
 public:
  // Takes the clock's Now() as the time of the last renewal and progress write (the lease was
  // just taken). Starts no thread.
  AttemptMonitor(Catalog& catalog, const Clock& clock, MonitorTiming timing,
                 IngestAttempt& attempt);
  ~AttemptMonitor();
  AttemptMonitor(const AttemptMonitor&) = delete;
  AttemptMonitor& operator=(const AttemptMonitor&) = delete;

  // Runs Check() every tick on a new thread until Stop() or until the lease is lost.
  void Start();

  // Stops and joins the thread; after it returns no renewal or progress write is in flight or
  // will follow. Idempotent.
  void Stop();

  // One look at the clock. Once `heartbeat` has passed since the last renewal (or the clock
  // went back), renews the job's lease to Now() + lease; when the job is no longer this
  // attempt's, sets attempt.lease_lost and returns false (nothing more is done). Then, when
  // attempt.progress grew and `progress_every` has passed since the last write, writes it to
  // the track (only while the track is processing the attempt's original). A database error
  // is swallowed and retried at the next check: should renewals keep failing until the lease
  // runs out, the commit's own lease check stops the attempt. Returns true while the lease is
  // held.
  bool Check();

 private:
  void Loop();
  bool Renew();
  void WriteProgress(double progress);

  Catalog& catalog_;
  const Clock& clock_;
  const MonitorTiming timing_;
  IngestAttempt& attempt_;
  Timestamp last_renewal_;  // only Check() touches these three
  Timestamp last_progress_;
  double written_progress_ = 0;

  Mutex mutex_;
  CondVar wake_;
  bool stop_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace cadenza
