#include <algorithm>
#include <stdexcept>
#include <string>

#include "adapters/sqlite/repositories.h"
#include "domain/error.h"

namespace cadenza::sqlite {
namespace {

Rendition ReadRendition(const Statement& s) {
  Rendition r;
  r.track_id = s.ColumnText(0);
  std::string codec = s.ColumnText(1);
  auto parsed = ParseCodec(codec);
  // The schema's CHECK admits only known codecs, so anything else is a corrupt file.
  if (!parsed) throw std::runtime_error("rendition of " + r.track_id + " has codec " + codec);
  r.spec = RenditionSpec{*parsed, static_cast<int>(s.ColumnInt(2))};
  r.packaging = s.ColumnText(3);
  r.codecs = s.ColumnText(4);
  r.sample_rate = static_cast<int>(s.ColumnInt(5));
  r.channels = static_cast<int>(s.ColumnInt(6));
  r.timescale = static_cast<int>(s.ColumnInt(7));
  r.duration = s.ColumnInt(8);
  r.blob_key = s.ColumnText(9);
  r.size_bytes = s.ColumnInt(10);
  r.average_bitrate = s.ColumnInt(11);
  r.peak_bitrate = s.ColumnInt(12);
  return r;
}

// StandardRenditions() lists codecs in enum order, each at ascending bitrates; other bitrates
// (not produced today) slot in by the same rule.
bool PlaysBefore(const Rendition& a, const Rendition& b) {
  if (a.spec.codec != b.spec.codec) return a.spec.codec < b.spec.codec;
  return a.spec.bitrate_kbps < b.spec.bitrate_kbps;
}

}  // namespace

void SqliteRenditionRepository::ReplaceForTrack(std::string_view track_id,
                                                const std::vector<Rendition>& renditions) {
  for (const Rendition& r : renditions) {
    if (!r.track_id.empty() && r.track_id != track_id) {
      throw std::invalid_argument("ReplaceForTrack(" + std::string(track_id) +
                                  ") got a rendition of track " + r.track_id);
    }
  }
  {
    auto exists = conn_.Prepare("SELECT 1 FROM tracks WHERE id = ?1");
    exists->BindText(1, track_id);
    if (!exists->Step()) throw NotFound("track not found");
  }
  {
    // Triggers queue every old key (segments go by cascade); the inserts below take back the
    // keys that the new set reuses.
    auto clear = conn_.Prepare("DELETE FROM renditions WHERE track_id = ?1");
    clear->BindText(1, track_id);
    clear->Run();
  }
  auto insert = conn_.Prepare(
      "INSERT INTO renditions (track_id, name, codec, bitrate_kbps, packaging, codecs, "
      "sample_rate, channels, timescale, duration, blob_key, size_bytes, average_bitrate, "
      "peak_bitrate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  auto insert_segment = conn_.Prepare(
      "INSERT INTO rendition_segments (track_id, name, idx, blob_key, duration, size_bytes) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const Rendition& r : renditions) {
    std::string name = RenditionName(r.spec);
    insert->BindText(1, track_id)
        .BindText(2, name)
        .BindText(3, CodecName(r.spec.codec))
        .BindInt(4, r.spec.bitrate_kbps)
        .BindText(5, r.packaging)
        .BindText(6, r.codecs)
        .BindInt(7, r.sample_rate)
        .BindInt(8, r.channels)
        .BindInt(9, r.timescale)
        .BindInt(10, r.duration)
        .BindText(11, r.blob_key)
        .BindInt(12, r.size_bytes)
        .BindInt(13, r.average_bitrate)
        .BindInt(14, r.peak_bitrate);
    insert->Run();
    insert->Reset();
    for (const Segment& segment : r.segments) {
      insert_segment->BindText(1, track_id)
          .BindText(2, name)
          .BindInt(3, segment.index)
          .BindText(4, segment.blob_key)
          .BindInt(5, segment.duration)
          .BindInt(6, segment.size_bytes);
      insert_segment->Run();
      insert_segment->Reset();
    }
  }
}

std::vector<Rendition> SqliteRenditionRepository::ListForTrack(std::string_view track_id) {
  std::vector<Rendition> renditions;
  {
    auto query = conn_.Prepare(
        "SELECT track_id, codec, bitrate_kbps, packaging, codecs, sample_rate, channels, "
        "timescale, duration, blob_key, size_bytes, average_bitrate, peak_bitrate "
        "FROM renditions WHERE track_id = ?1");
    query->BindText(1, track_id);
    while (query->Step()) renditions.push_back(ReadRendition(*query));
  }
  std::sort(renditions.begin(), renditions.end(), PlaysBefore);
  auto segments = conn_.Prepare(
      "SELECT idx, blob_key, duration, size_bytes FROM rendition_segments "
      "WHERE track_id = ?1 AND name = ?2 ORDER BY idx");
  for (Rendition& r : renditions) {
    segments->BindText(1, track_id).BindText(2, RenditionName(r.spec));
    while (segments->Step()) {
      Segment segment;
      segment.index = static_cast<int>(segments->ColumnInt(0));
      segment.blob_key = segments->ColumnText(1);
      segment.duration = segments->ColumnInt(2);
      segment.size_bytes = segments->ColumnInt(3);
      r.segments.push_back(std::move(segment));
    }
    segments->Reset();
  }
  return renditions;
}

}  // namespace cadenza::sqlite
