#include "domain/media.h"

namespace cadenza {

std::string_view TrackStatusName(TrackStatus status) {
  switch (status) {
    case TrackStatus::kProcessing: return "processing";
    case TrackStatus::kReady: return "ready";
    case TrackStatus::kFailed: return "failed";
  }
  return "processing";
}

std::optional<TrackStatus> ParseTrackStatus(std::string_view name) {
  if (name == "processing") return TrackStatus::kProcessing;
  if (name == "ready") return TrackStatus::kReady;
  if (name == "failed") return TrackStatus::kFailed;
  return std::nullopt;
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kAac: return "aac";
    case Codec::kOpus: return "opus";
    case Codec::kMp3: return "mp3";
  }
  return "aac";
}

std::optional<Codec> ParseCodec(std::string_view name) {
  if (name == "aac") return Codec::kAac;
  if (name == "opus") return Codec::kOpus;
  if (name == "mp3") return Codec::kMp3;
  return std::nullopt;
}

std::string RenditionName(const RenditionSpec& spec) {
  return std::string(CodecName(spec.codec)) + "_" + std::to_string(spec.bitrate_kbps);
}

const std::vector<RenditionSpec>& StandardRenditions() {
  static const std::vector<RenditionSpec> renditions = {
      {Codec::kAac, 96},  {Codec::kAac, 160},  {Codec::kAac, 320},
      {Codec::kOpus, 96}, {Codec::kOpus, 160}, {Codec::kOpus, 320},
      {Codec::kMp3, 96},  {Codec::kMp3, 160},  {Codec::kMp3, 320},
  };
  return renditions;
}

}  // namespace cadenza
