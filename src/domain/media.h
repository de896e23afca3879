#pragma once
// What the media pipeline produces for a track: its processing status, loudness, and the
// renditions (codec x bitrate) with their segment layout. Manifests are generated from these
// values, never stored, so the URL scheme can change per storage backend.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza {

enum class TrackStatus { kProcessing, kReady, kFailed };
std::string_view TrackStatusName(TrackStatus status);  // "processing", "ready", "failed"
std::optional<TrackStatus> ParseTrackStatus(std::string_view name);

// EBU R128 measurements of the original, and the gain that brings it to the streaming norm.
struct Loudness {
  double integrated_lufs = 0;
  double true_peak_db = 0;  // dBTP
  double gain_db = 0;       // kTargetLufs - integrated_lufs
};
inline constexpr double kTargetLufs = -14.0;

// What the uploaded file's own tags say. Title and track number fill the track's fields when
// the uploader left them empty; all of them are offered to clients (e.g. to prefill forms).
struct TrackTags {
  std::optional<std::string> title, artist, album, date;
  std::optional<int> track_number;
};

enum class Codec { kAac, kOpus, kMp3 };
std::string_view CodecName(Codec codec);  // "aac", "opus", "mp3"
std::optional<Codec> ParseCodec(std::string_view name);

struct RenditionSpec {
  Codec codec = Codec::kAac;
  int bitrate_kbps = 160;
  bool operator==(const RenditionSpec&) const = default;
};
// "aac_160": the rendition's name in URLs and blob keys.
std::string RenditionName(const RenditionSpec& spec);
// The seed's nine: AAC-LC, Opus and MP3 at 96, 160 and 320 kbps.
const std::vector<RenditionSpec>& StandardRenditions();

// One media segment of a CMAF rendition.
struct Segment {
  int index = 0;               // 0-based, in play order
  std::string blob_key;
  std::int64_t duration = 0;   // in the rendition's timescale (samples)
  std::int64_t size_bytes = 0;
};

struct Rendition {
  std::string track_id;
  RenditionSpec spec;
  // "cmaf": fMP4 init segment + media segments (AAC, Opus), one set for HLS and DASH.
  // "progressive": one file (MP3) in `blob_key`.
  std::string packaging;
  std::string codecs;          // RFC 6381 string: "mp4a.40.2", "opus", "mp3"
  int sample_rate = 0;
  int channels = 0;
  int timescale = 0;           // ticks per second for durations (the sample rate)
  std::int64_t duration = 0;   // in timescale ticks
  std::string blob_key;        // cmaf: the init segment; progressive: the file
  std::int64_t size_bytes = 0; // all bytes of the rendition (init + segments, or the file)
  std::int64_t average_bitrate = 0;  // bits per second over the whole rendition
  std::int64_t peak_bitrate = 0;     // bits per second of the largest segment
  std::vector<Segment> segments;     // cmaf only
};

}  // namespace cadenza
