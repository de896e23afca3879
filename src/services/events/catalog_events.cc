#include "services/events/catalog_events.h"

namespace cadenza {

void AppendCatalogEvent(CatalogTransaction& tx, const IdGenerator& ids, std::string_view type,
                        std::string_view user_id, std::string_view subject_id, Timestamp now,
                        std::string_view change) {
  Event event;
  event.id = ids.Next();
  event.type = std::string(type);
  event.key = std::string(subject_id);
  event.user_id = std::string(user_id);
  event.subject_id = std::string(subject_id);
  event.occurred_at = now;
  event.recorded_at = now;
  if (!change.empty()) event.attributes_json = R"({"change":")" + std::string(change) + "\"}";
  tx.events().Append(event);
}

}  // namespace cadenza
