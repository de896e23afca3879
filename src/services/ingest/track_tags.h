#pragma once
// What a transcoded file's tags change on its track. Pure; thread-safe.
#include "domain/entities.h"
#include "ports/transcoder.h"

namespace cadenza {

// The tags worth showing a person: text that passes as a title (domain/text_rules.h
// kTitleLimits: trimmed, no control characters, bounded) and a track number in the track-number
// range (domain/track_rules.h). Anything else is left out, not stored.
TrackTags OfferedTags(const AudioTags& tags);

// Applies the file's tags to `track`: the placeholder title kPlaceholderTrackTitle becomes the
// title tag when that passes as a title, a missing track number becomes the track-number tag
// when in range, and track.tags becomes OfferedTags(tags). Fields the uploader set are never
// overwritten.
void ApplyFileTags(Track& track, const AudioTags& tags);

}  // namespace cadenza
