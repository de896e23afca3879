#pragma once
// Moves the popularity window (ListeningRepository::AdvancePopularWindow) to the current UTC
// day, so that "popular now" stays the index scan of the last days even on a day without
// plays. Run by the process that runs the event consumers, at start-up and periodically.
#include <atomic>
#include <cstdint>
#include <limits>

#include "ports/catalog.h"
#include "ports/clock.h"

namespace cadenza {

class PopularWindowKeeper {
 public:
  PopularWindowKeeper(Catalog& catalog, const Clock& clock) : catalog_(catalog), clock_(clock) {}

  // Advances the window to today in a write transaction, unless this keeper already did
  // today (then it does nothing, without touching the database). Thread-safe; blocking.
  // Errors as Catalog::Write's; a failed call is retried by the next one.
  void AdvanceIfDue();

 private:
  Catalog& catalog_;
  const Clock& clock_;
  std::atomic<std::int64_t> advanced_to_{std::numeric_limits<std::int64_t>::min()};
};

}  // namespace cadenza
