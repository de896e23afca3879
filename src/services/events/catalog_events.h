#pragma once
// Events about the catalogue, appended to the outbox by the services in the transaction that
// makes the change: playlists created, changed and deleted; tracks uploaded, ready and
// deleted. Keyed by their subject, so that one subject's events keep their order.
#include <string>
#include <string_view>

#include "domain/time.h"
#include "ports/catalog.h"
#include "services/id_generator.h"

namespace cadenza {

inline constexpr std::string_view kPlaylistCreated = "playlist_created";
inline constexpr std::string_view kPlaylistChanged = "playlist_changed";
inline constexpr std::string_view kPlaylistDeleted = "playlist_deleted";
inline constexpr std::string_view kTrackUploaded = "track_uploaded";
inline constexpr std::string_view kTrackReady = "track_ready";
inline constexpr std::string_view kTrackDeleted = "track_deleted";

// Appends the event in `tx`: a new id, `user_id` the cause ("" for the system), `subject_id`
// the playlist or track, occurred_at and recorded_at `now`. `change` (plain ASCII, no quotes)
// goes into attributes as {"change": ...} when not empty.
void AppendCatalogEvent(CatalogTransaction& tx, const IdGenerator& ids, std::string_view type,
                        std::string_view user_id, std::string_view subject_id, Timestamp now,
                        std::string_view change = {});

}  // namespace cadenza
