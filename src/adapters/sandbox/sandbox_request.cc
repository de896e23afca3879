// The request half of sandbox_protocol.h: what the parent asks of the child.
#include <boost/json.hpp>
#include <stdexcept>

#include "adapters/sandbox/sandbox_protocol.h"

namespace cadenza::sandbox {
namespace {

namespace json = boost::json;

std::int64_t Int(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_int64()) {
    throw std::runtime_error("bad transcoder request: " + std::string(key));
  }
  return value->get_int64();
}
std::string Text(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    throw std::runtime_error("bad transcoder request: " + std::string(key));
  }
  return std::string(value->get_string());
}

}  // namespace

std::string EncodeRequest(const ChildRequest& request) {
  const TranscodeOptions& options = request.options;
  const MediaLimits& limits = options.limits;
  json::array renditions;
  for (const RenditionSpec& spec : options.renditions) {
    renditions.push_back(
        json::object{{"codec", CodecName(spec.codec)}, {"bitrate", spec.bitrate_kbps}});
  }
  json::object object{
      {"mode", request.mode == RequestMode::kProbe ? "probe" : "transcode"},
      {"input", request.input.string()},
      {"workDir", request.work_dir.string()},
      {"maxDurationMs", limits.max_duration_ms},
      {"maxChannels", limits.max_channels},
      {"maxSampleRate", limits.max_sample_rate},
      {"probeSizeBytes", limits.probe_size_bytes},
      {"analyzeDurationUs", limits.analyze_duration_us},
      {"renditions", std::move(renditions)},
      {"segmentMillis", static_cast<std::int64_t>(options.segment_seconds * 1000)},
      {"threads", options.threads},
      {"memoryLimitBytes", request.memory_limit_bytes},
      {"cpuLimitSeconds", request.cpu_limit_seconds},
      {"fileSizeLimitBytes", request.file_size_limit_bytes},
  };
  return json::serialize(object);
}

ChildRequest DecodeRequest(std::string_view text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) throw std::runtime_error("bad transcoder request");
  const json::object& object = value.get_object();
  ChildRequest request;
  std::string mode = Text(object, "mode");
  if (mode != "probe" && mode != "transcode") throw std::runtime_error("bad transcoder mode");
  request.mode = mode == "probe" ? RequestMode::kProbe : RequestMode::kTranscode;
  request.input = Text(object, "input");
  request.work_dir = Text(object, "workDir");
  MediaLimits& limits = request.options.limits;
  limits.max_duration_ms = Int(object, "maxDurationMs");
  limits.max_channels = static_cast<int>(Int(object, "maxChannels"));
  limits.max_sample_rate = static_cast<int>(Int(object, "maxSampleRate"));
  limits.probe_size_bytes = Int(object, "probeSizeBytes");
  limits.analyze_duration_us = Int(object, "analyzeDurationUs");
  request.options.renditions.clear();
  const json::value* renditions = object.if_contains("renditions");
  if (renditions == nullptr || !renditions->is_array()) {
    throw std::runtime_error("bad transcoder request: renditions");
  }
  for (const json::value& r : renditions->get_array()) {
    if (!r.is_object()) throw std::runtime_error("bad transcoder request: rendition");
    auto codec = ParseCodec(Text(r.get_object(), "codec"));
    if (!codec) throw std::runtime_error("bad transcoder request: codec");
    request.options.renditions.push_back(
        {*codec, static_cast<int>(Int(r.get_object(), "bitrate"))});
  }
  request.options.segment_seconds = static_cast<double>(Int(object, "segmentMillis")) / 1000;
  request.options.threads = static_cast<int>(Int(object, "threads"));
  request.memory_limit_bytes = Int(object, "memoryLimitBytes");
  request.cpu_limit_seconds = Int(object, "cpuLimitSeconds");
  request.file_size_limit_bytes = Int(object, "fileSizeLimitBytes");
  return request;
}

}  // namespace cadenza::sandbox
