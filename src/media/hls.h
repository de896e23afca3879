#pragma once
// HLS playlists (RFC 8216, version 7) of a track's CMAF renditions, generated from the
// database rows on every request. URIs are relative: the master names
// "aac_160/playlist.m3u8", a media playlist names "init.mp4" and "seg-00000.m4s", so they
// resolve against the URL the playlist was fetched from (which carries the media token in its
// path), unless a media playlist is given a BlobUrlFor (a store's own URLs). Pure: no I/O,
// thread-safe.
#include <string>
#include <vector>

#include "domain/media.h"
#include "media/layout.h"

namespace cadenza {

// The master playlist: one #EXT-X-STREAM-INF per CMAF rendition with at least one segment,
// AAC variants first and then Opus ones, each group by ascending BANDWIDTH. BANDWIDTH is the
// peak segment bitrate and AVERAGE-BANDWIDTH the average (both in bit/s, container
// included; computed from the segments when the row holds 0); CODECS is the rendition's
// RFC 6381 string. Progressive renditions (MP3) are not part of HLS and are skipped.
// Throws std::invalid_argument for a rendition with a timescale <= 0.
std::string HlsMasterPlaylist(const std::vector<Rendition>& renditions);

// The VOD media playlist of one CMAF rendition: #EXT-X-MAP for the init segment, then each
// segment with its exact #EXTINF (duration / timescale to 6 decimals) in index order, and
// #EXT-X-TARGETDURATION = the longest segment rounded up to whole seconds (at least 1).
// Throws std::invalid_argument for a progressive rendition, a timescale <= 0, or segments
// not numbered 0..n-1 in order (their URIs and DASH's $Number$ must agree).
// With `url_for` (media/layout.h), the #EXT-X-MAP URI and every segment URI are the URLs it
// returns for the init's and segments' blob keys instead of relative names.
std::string HlsMediaPlaylist(const Rendition& rendition, const BlobUrlFor& url_for = {});

}  // namespace cadenza
