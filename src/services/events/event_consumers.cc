#include "services/events/event_consumers.h"

namespace cadenza {
namespace {

constexpr Timestamp kMillisPerDay = 86'400'000;

bool IsPlay(const OutboxRecord& record) { return record.event.type == kPlayCountedEvent; }

// The three consumers follow counted plays only.
class PlayConsumer : public EventConsumer {
 public:
  bool Follows(std::string_view type) const final { return type == kPlayCountedEvent; }
};

class PlayCountConsumer final : public PlayConsumer {
 public:
  std::string_view name() const override { return "play_counts"; }
  void Apply(CatalogTransaction& tx, const OutboxRecord& record) override {
    if (IsPlay(record)) tx.listening().AddTrackPlay(record.event.subject_id);
  }
};

class ListeningHistoryConsumer final : public PlayConsumer {
 public:
  std::string_view name() const override { return "listening_history"; }
  void Apply(CatalogTransaction& tx, const OutboxRecord& record) override {
    if (!IsPlay(record)) return;
    tx.listening().AddUserPlay(record.event.user_id, record.event.subject_id,
                               record.event.occurred_at);
  }
};

class PopularityConsumer final : public PlayConsumer {
 public:
  std::string_view name() const override { return "popularity"; }
  void Apply(CatalogTransaction& tx, const OutboxRecord& record) override {
    // The server's clock: a listener's clock must not move plays into another day's chart.
    if (IsPlay(record)) {
      tx.listening().AddDailyPlay(record.event.subject_id, EpochDay(record.event.recorded_at));
    }
  }
};

}  // namespace

std::int64_t EpochDay(Timestamp t) {
  // Floor division: a time before the epoch belongs to a negative day.
  return t >= 0 ? t / kMillisPerDay : -((-t + kMillisPerDay - 1) / kMillisPerDay);
}

std::unique_ptr<EventConsumer> MakePlayCountConsumer() {
  return std::make_unique<PlayCountConsumer>();
}
std::unique_ptr<EventConsumer> MakeListeningHistoryConsumer() {
  return std::make_unique<ListeningHistoryConsumer>();
}
std::unique_ptr<EventConsumer> MakePopularityConsumer() {
  return std::make_unique<PopularityConsumer>();
}

std::vector<std::unique_ptr<EventConsumer>> StandardConsumers() {
  std::vector<std::unique_ptr<EventConsumer>> consumers;
  consumers.push_back(MakePlayCountConsumer());
  consumers.push_back(MakeListeningHistoryConsumer());
  consumers.push_back(MakePopularityConsumer());
  return consumers;
}

}  // namespace cadenza
