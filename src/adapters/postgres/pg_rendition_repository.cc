#include <algorithm>
#include <stdexcept>
#include <string>

#include "adapters/postgres/pg_repositories.h"
#include "domain/error.h"

namespace cadenza::pg {
namespace {

Rendition ReadRendition(const Result& r, int row) {
  Rendition out;
  out.track_id = r.Text(row, 0);
  std::string codec = r.Text(row, 1);
  auto parsed = ParseCodec(codec);
  if (!parsed) throw std::runtime_error("rendition of " + out.track_id + " has codec " + codec);
  out.spec = RenditionSpec{*parsed, static_cast<int>(r.Int(row, 2))};
  out.packaging = r.Text(row, 3);
  out.codecs = r.Text(row, 4);
  out.sample_rate = static_cast<int>(r.Int(row, 5));
  out.channels = static_cast<int>(r.Int(row, 6));
  out.timescale = static_cast<int>(r.Int(row, 7));
  out.duration = r.Int(row, 8);
  out.blob_key = r.Text(row, 9);
  out.size_bytes = r.Int(row, 10);
  out.average_bitrate = r.Int(row, 11);
  out.peak_bitrate = r.Int(row, 12);
  return out;
}

// StandardRenditions() order: codecs in enum order, each at ascending bitrates.
bool PlaysBefore(const Rendition& a, const Rendition& b) {
  if (a.spec.codec != b.spec.codec) return a.spec.codec < b.spec.codec;
  return a.spec.bitrate_kbps < b.spec.bitrate_kbps;
}

void InsertRendition(Connection& conn, std::string_view track_id, const Rendition& r) {
  std::string name = RenditionName(r.spec);
  conn.ExecGuarded(
      "INSERT INTO renditions (track_id, name, codec, bitrate_kbps, packaging, codecs, "
      "sample_rate, channels, timescale, duration, blob_key, size_bytes, average_bitrate, "
      "peak_bitrate) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      Params()
          .Text(track_id)
          .Text(name)
          .Text(CodecName(r.spec.codec))
          .Int(r.spec.bitrate_kbps)
          .Text(r.packaging)
          .Text(r.codecs)
          .Int(r.sample_rate)
          .Int(r.channels)
          .Int(r.timescale)
          .Int(r.duration)
          .Text(r.blob_key)
          .Int(r.size_bytes)
          .Int(r.average_bitrate)
          .Int(r.peak_bitrate));
  for (const Segment& segment : r.segments) {
    conn.ExecGuarded(
        "INSERT INTO rendition_segments (track_id, name, idx, blob_key, duration, size_bytes) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        Params()
            .Text(track_id)
            .Text(name)
            .Int(segment.index)
            .Text(segment.blob_key)
            .Int(segment.duration)
            .Int(segment.size_bytes));
  }
}

}  // namespace

void PgRenditionRepository::ReplaceForTrack(std::string_view track_id,
                                            const std::vector<Rendition>& renditions) {
  for (const Rendition& r : renditions) {
    if (!r.track_id.empty() && r.track_id != track_id) {
      throw std::invalid_argument("ReplaceForTrack(" + std::string(track_id) +
                                  ") got a rendition of track " + r.track_id);
    }
  }
  if (conn_.Exec("SELECT 1 FROM tracks WHERE id = $1", Params().Text(track_id)).Rows() == 0) {
    throw NotFound("track not found");
  }
  // The whole replacement is one unit: a refused insert undoes the delete as well, so the old
  // set and the queue stay as they were (SQLite gets the same from the caller's rollback).
  conn_.Script("SAVEPOINT cadenza_replace_renditions");
  try {
    // Triggers queue every old key (segments go by cascade); the inserts take back reused keys.
    conn_.Exec("DELETE FROM renditions WHERE track_id = $1", Params().Text(track_id));
    for (const Rendition& r : renditions) InsertRendition(conn_, track_id, r);
    conn_.Script("RELEASE SAVEPOINT cadenza_replace_renditions");
  } catch (const Error&) {
    if (!conn_.broken()) conn_.Script("ROLLBACK TO SAVEPOINT cadenza_replace_renditions");
    throw;
  }
}

std::vector<Rendition> PgRenditionRepository::ListForTrack(std::string_view track_id) {
  Result rows = conn_.Exec(
      "SELECT track_id, codec, bitrate_kbps, packaging, codecs, sample_rate, channels, "
      "timescale, duration, blob_key, size_bytes, average_bitrate, peak_bitrate "
      "FROM renditions WHERE track_id = $1",
      Params().Text(track_id));
  std::vector<Rendition> renditions;
  renditions.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int row = 0; row < rows.Rows(); ++row) renditions.push_back(ReadRendition(rows, row));
  std::sort(renditions.begin(), renditions.end(), PlaysBefore);
  Result segments = conn_.Exec(
      "SELECT name, idx, blob_key, duration, size_bytes FROM rendition_segments "
      "WHERE track_id = $1 ORDER BY name, idx",
      Params().Text(track_id));
  for (Rendition& r : renditions) {
    std::string name = RenditionName(r.spec);
    for (int row = 0; row < segments.Rows(); ++row) {
      if (segments.Text(row, 0) != name) continue;
      r.segments.push_back(Segment{static_cast<int>(segments.Int(row, 1)), segments.Text(row, 2),
                                   segments.Int(row, 3), segments.Int(row, 4)});
    }
  }
  return renditions;
}

}  // namespace cadenza::pg
