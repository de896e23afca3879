#include "services/events/popular_window.h"

#include "services/events/event_consumers.h"

namespace cadenza {

void PopularWindowKeeper::AdvanceIfDue() {
  const std::int64_t today = EpochDay(clock_.Now());
  if (advanced_to_.load() >= today) return;
  catalog_.Write([today](CatalogTransaction& tx) { tx.listening().AdvancePopularWindow(today); });
  advanced_to_.store(today);
}

}  // namespace cadenza
