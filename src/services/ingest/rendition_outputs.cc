#include "services/ingest/rendition_outputs.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "media/bitrates.h"
#include "media/layout.h"

namespace cadenza {

namespace {

std::int64_t FileSize(const std::filesystem::path& path) {
  return static_cast<std::int64_t>(std::filesystem::file_size(path));
}

Rendition RowOf(const EncodedRendition& encoded, std::string_view track_id) {
  Rendition r;
  r.track_id = std::string(track_id);
  r.spec = encoded.spec;
  r.packaging = encoded.packaging;
  r.codecs = encoded.codecs;
  r.sample_rate = encoded.sample_rate;
  r.channels = encoded.channels;
  r.timescale = encoded.timescale;
  r.duration = encoded.duration;
  return r;
}

// The init segment and every media segment; the peak is the fastest segment's rate.
void AddCmafFiles(const EncodedRendition& encoded, const std::string& prefix, Rendition& r,
                  std::vector<OutputFile>& files) {
  r.blob_key = prefix + InitSegmentPath(encoded.spec);
  r.size_bytes = FileSize(encoded.main.path);
  files.push_back({r.blob_key, encoded.main.path});
  for (std::size_t i = 0; i < encoded.segments.size(); ++i) {
    const EncodedFile& file = encoded.segments[i];
    Segment segment;
    segment.index = static_cast<int>(i);
    segment.blob_key = prefix + SegmentPath(encoded.spec, segment.index);
    segment.duration = file.duration;
    segment.size_bytes = FileSize(file.path);
    files.push_back({segment.blob_key, file.path});
    r.size_bytes += segment.size_bytes;
    r.peak_bitrate =
        std::max(r.peak_bitrate, BitsPerSecond(segment.size_bytes, segment.duration, r.timescale));
    r.segments.push_back(std::move(segment));
  }
  r.average_bitrate = BitsPerSecond(r.size_bytes, r.duration, r.timescale);
}

void AddProgressiveFile(const EncodedRendition& encoded, const std::string& prefix,
                        Rendition& r, std::vector<OutputFile>& files) {
  r.blob_key = prefix + ProgressiveFileName(encoded.spec);
  r.size_bytes = FileSize(encoded.main.path);
  files.push_back({r.blob_key, encoded.main.path});
  r.average_bitrate = BitsPerSecond(r.size_bytes, r.duration, r.timescale);
  r.peak_bitrate = r.average_bitrate;
}

}  // namespace

RenditionOutputs PlanRenditionOutputs(const std::vector<EncodedRendition>& encoded,
                                      std::string_view track_id, std::string_view prefix) {
  const std::string base(prefix);
  RenditionOutputs outputs;
  for (const EncodedRendition& rendition : encoded) {
    Rendition row = RowOf(rendition, track_id);
    if (rendition.packaging == kCmafPackaging) {
      AddCmafFiles(rendition, base, row, outputs.files);
    } else {
      AddProgressiveFile(rendition, base, row, outputs.files);
    }
    outputs.renditions.push_back(std::move(row));
  }
  return outputs;
}

}  // namespace cadenza
