#pragma once
// The file names under which a track's media is addressed, relative to the folder a manifest
// is served from: "<rendition>/playlist.m3u8", "<rendition>/init.mp4",
// "<rendition>/seg-00000.m4s" and "<rendition>.mp3"; and the blob prefix under which the
// ingest worker stores them. The only place these names are spelled. Manifests refer to them relatively, so a
// token carried in the manifest URL's path reaches every request a player derives from it.
// Pure: no I/O, thread-safe.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "domain/media.h"

namespace cadenza {

inline constexpr std::string_view kCmafPackaging = "cmaf";
inline constexpr std::string_view kProgressivePackaging = "progressive";

inline constexpr std::string_view kHlsMasterName = "master.m3u8";
inline constexpr std::string_view kDashManifestName = "manifest.mpd";
inline constexpr std::string_view kHlsMediaPlaylistName = "playlist.m3u8";
inline constexpr std::string_view kInitSegmentName = "init.mp4";

// Segments are numbered with 5 digits; 100000 segments of 6 s is far beyond the 2 h limit.
inline constexpr int kMaxSegmentIndex = 99999;

// "seg-00042.m4s". Throws std::out_of_range for an index outside 0..kMaxSegmentIndex.
std::string SegmentFileName(int index);

// The index "seg-00042.m4s" names; nullopt for any other spelling (other widths, signs,
// extensions), so each segment has exactly one URL.
std::optional<int> ParseSegmentFileName(std::string_view name);

// "mp3_160.mp3": the file name of a progressive rendition.
std::string ProgressiveFileName(const RenditionSpec& spec);

// "aac_160/init.mp4" and "aac_160/seg-00042.m4s": a CMAF rendition's files relative to the
// manifests' folder. SegmentPath throws std::out_of_range as SegmentFileName does.
std::string InitSegmentPath(const RenditionSpec& spec);
std::string SegmentPath(const RenditionSpec& spec, int index);

// "$RepresentationID$/seg-$Number%05d$.m4s": the DASH SegmentTemplate that expands to
// SegmentPath for each representation.
std::string DashSegmentTemplate();

// The blob prefix of one transcode attempt's outputs, "renditions/<trackId>/<jobId>-<attempt>/":
// each attempt writes under its own prefix, so a redo never overwrites blobs that committed
// rows point to. The files above are stored under it.
std::string RenditionPrefix(std::string_view track_id, std::string_view job_id, int attempt);

// How a manifest names a blob-backed file (an init or media segment): empty, by its file
// name relative to the manifest (above); otherwise by the absolute URL this returns for the
// file's blob key (a blob store's pre-signed URL). The URL must stay valid as long as the
// manifest is meant to be played.
using BlobUrlFor = std::function<std::string(std::string_view blob_key)>;

bool IsCmaf(const Rendition& rendition);         // packaging "cmaf"
bool IsProgressive(const Rendition& rendition);  // packaging "progressive"

}  // namespace cadenza
