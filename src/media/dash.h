#pragma once
// The MPEG-DASH manifest (ISO/IEC 23009-1, static; the live profile, or the main one with a
// store's URLs) of a track's CMAF renditions: the same segments HLS serves. Generated from
// the database rows on every request. URLs are relative ("aac_160/init.mp4",
// "aac_160/seg-00000.m4s" through SegmentTemplate), so they resolve against the MPD's URL,
// which carries the media token in its path; or, given a BlobUrlFor, the absolute URLs it
// returns. Pure: no I/O, thread-safe.
#include <string>
#include <vector>

#include "domain/media.h"
#include "media/layout.h"

namespace cadenza {

// One Period; one audio AdaptationSet per codec (AAC, then Opus) holding one Representation
// per CMAF rendition with at least one segment, by ascending bandwidth (the peak segment
// bitrate). Each Representation has its own SegmentTemplate (startNumber 0) and a
// SegmentTimeline whose runs of equal consecutive durations are folded with `r`.
// mediaPresentationDuration is the longest Representation's timeline; minBufferTime is the
// longest segment rounded up to whole seconds. Progressive renditions are skipped.
// Throws std::invalid_argument for a timescale <= 0 or segments not numbered 0..n-1.
// With `url_for` (media/layout.h), each Representation has a SegmentList instead of the
// SegmentTemplate: the same timeline, an Initialization and one SegmentURL per segment whose
// URLs are those `url_for` returns for their blob keys (XML-escaped), and the MPD declares
// the main profile (the live profile admits templates only).
std::string DashManifest(const std::vector<Rendition>& renditions, const BlobUrlFor& url_for = {});

}  // namespace cadenza
