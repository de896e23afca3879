#include "services/ingest/track_tags.h"

#include <optional>
#include <string>
#include <utility>

#include "domain/error.h"
#include "domain/track_rules.h"
#include "services/text_rules.h"

namespace cadenza {

namespace {

// The tag as a title, or nullopt when it would not pass as one (empty, too long, control
// characters).
std::optional<std::string> AsTitle(const std::optional<std::string>& tag) {
  if (!tag) return std::nullopt;
  try {
    return CheckText(*tag, "tag", kTitleLimits);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

TrackTags OfferedTags(const AudioTags& tags) {
  TrackTags offered;
  offered.title = AsTitle(tags.title);
  offered.artist = AsTitle(tags.artist);
  offered.album = AsTitle(tags.album);
  offered.date = AsTitle(tags.date);
  if (tags.track_number && IsTrackNumber(*tags.track_number)) {
    offered.track_number = tags.track_number;
  }
  return offered;
}

void ApplyFileTags(Track& track, const AudioTags& tags) {
  TrackTags offered = OfferedTags(tags);
  if (track.title == kPlaceholderTrackTitle && offered.title) track.title = *offered.title;
  if (!track.track_number && offered.track_number) track.track_number = offered.track_number;
  track.tags = std::move(offered);
}

}  // namespace cadenza
