#include "adapters/sandbox/sandbox_protocol.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace cadenza::sandbox {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxReasonBytes = 300;
constexpr std::size_t kMaxRenditions = 64;
constexpr std::size_t kMaxSegments = 100000;

[[noreturn]] void Bad(const std::string& what) {
  throw std::runtime_error("malformed transcoder message: " + what);
}

const json::value& Field(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) Bad(std::string("missing ") + std::string(key));
  return *value;
}
const json::object& Object(const json::value& value, std::string_view what) {
  if (!value.is_object()) Bad(std::string(what) + " is not an object");
  return value.get_object();
}
std::int64_t Int(const json::object& object, std::string_view key, std::int64_t low,
                 std::int64_t high) {
  const json::value& value = Field(object, key);
  std::int64_t number = 0;
  if (value.is_int64()) {
    number = value.get_int64();
  } else if (value.is_uint64() && value.get_uint64() <= std::uint64_t{INT64_MAX}) {
    number = static_cast<std::int64_t>(value.get_uint64());
  } else {
    Bad(std::string(key) + " is not an integer");
  }
  if (number < low || number > high) Bad(std::string(key) + " is out of range");
  return number;
}
double Number(const json::object& object, std::string_view key) {
  const json::value& value = Field(object, key);
  if (!value.is_number()) Bad(std::string(key) + " is not a number");
  double number = value.to_number<double>();
  if (!std::isfinite(number)) Bad(std::string(key) + " is not finite");
  return number;
}
std::string Text(const json::object& object, std::string_view key) {
  const json::value& value = Field(object, key);
  if (!value.is_string()) Bad(std::string(key) + " is not a string");
  return std::string(value.get_string());
}
std::optional<std::string> OptionalText(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) Bad(std::string(key) + " is not a string");
  return std::string(value->get_string());
}

json::value OptionalJson(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

// A path the result names: relative, inside the work folder, with no way up.
json::value RelativePath(const fs::path& path, const fs::path& work_dir) {
  fs::path relative = path.lexically_relative(work_dir);
  if (relative.empty() || *relative.begin() == "..") {
    throw std::logic_error("transcoder output outside its folder: " + path.string());
  }
  return json::value(relative.generic_string());
}
fs::path ParseRelativePath(const json::object& object, std::string_view key) {
  fs::path path = Text(object, key);
  if (path.empty() || path.is_absolute()) Bad("a path is not relative");
  for (const fs::path& part : path) {
    if (part == ".." || part == "." || part.empty()) Bad("a path leaves its folder");
  }
  return path;
}

json::object FileJson(const EncodedFile& file, const fs::path& work_dir) {
  return {{"path", RelativePath(file.path, work_dir)},
          {"duration", file.duration},
          {"sizeBytes", file.size_bytes}};
}
EncodedFile ParseFile(const json::value& value) {
  const json::object& object = Object(value, "file");
  EncodedFile file;
  file.path = ParseRelativePath(object, "path");
  file.duration = Int(object, "duration", 0, INT64_MAX);
  file.size_bytes = Int(object, "sizeBytes", 0, INT64_MAX);
  return file;
}

json::object SpecJson(const RenditionSpec& spec) {
  return {{"codec", CodecName(spec.codec)}, {"bitrate", spec.bitrate_kbps}};
}
RenditionSpec ParseSpec(const json::value& value) {
  const json::object& object = Object(value, "spec");
  auto codec = ParseCodec(Text(object, "codec"));
  if (!codec) Bad("unknown codec");
  return {*codec, static_cast<int>(Int(object, "bitrate", 1, 10000))};
}

json::object RenditionJson(const EncodedRendition& r, const fs::path& work_dir) {
  json::array segments;
  for (const EncodedFile& segment : r.segments) segments.push_back(FileJson(segment, work_dir));
  return {{"spec", SpecJson(r.spec)},         {"packaging", r.packaging},
          {"codecs", r.codecs},               {"sampleRate", r.sample_rate},
          {"channels", r.channels},           {"timescale", r.timescale},
          {"duration", r.duration},           {"main", FileJson(r.main, work_dir)},
          {"segments", std::move(segments)}};
}
EncodedRendition ParseRendition(const json::value& value) {
  const json::object& object = Object(value, "rendition");
  EncodedRendition r;
  r.spec = ParseSpec(Field(object, "spec"));
  r.packaging = Text(object, "packaging");
  if (r.packaging != "cmaf" && r.packaging != "progressive") Bad("unknown packaging");
  r.codecs = Text(object, "codecs");
  r.sample_rate = static_cast<int>(Int(object, "sampleRate", 1, 1'000'000));
  r.channels = static_cast<int>(Int(object, "channels", 1, 64));
  r.timescale = static_cast<int>(Int(object, "timescale", 1, 1'000'000));
  r.duration = Int(object, "duration", 0, INT64_MAX);
  r.main = ParseFile(Field(object, "main"));
  const json::value& segments = Field(object, "segments");
  if (!segments.is_array() || segments.get_array().size() > kMaxSegments) Bad("segments");
  for (const json::value& segment : segments.get_array()) r.segments.push_back(ParseFile(segment));
  return r;
}

json::object ProbeJson(const ProbeResult& probe) {
  const AudioTags& tags = probe.tags;
  json::object tag_json{{"title", OptionalJson(tags.title)},
                        {"artist", OptionalJson(tags.artist)},
                        {"album", OptionalJson(tags.album)},
                        {"date", OptionalJson(tags.date)},
                        {"coverArtMime", OptionalJson(tags.cover_art_mime)}};
  if (tags.track_number) tag_json["trackNumber"] = *tags.track_number;
  return {{"formatName", probe.format_name}, {"codecName", probe.codec_name},
          {"sampleRate", probe.sample_rate}, {"channels", probe.channels},
          {"durationMs", probe.duration_ms}, {"tags", std::move(tag_json)}};
}
ProbeResult ParseProbe(const json::value& value) {
  const json::object& object = Object(value, "probe");
  ProbeResult probe;
  probe.format_name = Text(object, "formatName");
  probe.codec_name = Text(object, "codecName");
  probe.sample_rate = static_cast<int>(Int(object, "sampleRate", 1, 10'000'000));
  probe.channels = static_cast<int>(Int(object, "channels", 1, 1024));
  probe.duration_ms = Int(object, "durationMs", 0, INT64_MAX);
  const json::object& tags = Object(Field(object, "tags"), "tags");
  probe.tags.title = OptionalText(tags, "title");
  probe.tags.artist = OptionalText(tags, "artist");
  probe.tags.album = OptionalText(tags, "album");
  probe.tags.date = OptionalText(tags, "date");
  probe.tags.cover_art_mime = OptionalText(tags, "coverArtMime");
  if (tags.contains("trackNumber")) {
    probe.tags.track_number = static_cast<int>(Int(tags, "trackNumber", 1, 9999));
  }
  return probe;
}

ChildMessage ParseResult(const json::value& value) {
  const json::object& object = Object(value, "result");
  ChildMessage message;
  message.type = ChildMessage::Type::kResult;
  message.result.probe = ParseProbe(Field(object, "probe"));
  const json::object& loudness = Object(Field(object, "loudness"), "loudness");
  message.result.loudness = {Number(loudness, "integratedLufs"), Number(loudness, "truePeakDb"),
                             Number(loudness, "gainDb")};
  const json::value& renditions = Field(object, "renditions");
  if (!renditions.is_array() || renditions.get_array().size() > kMaxRenditions) Bad("renditions");
  for (const json::value& r : renditions.get_array()) {
    message.result.renditions.push_back(ParseRendition(r));
  }
  const json::value& cover = Field(object, "coverArt");
  if (!cover.is_bool()) Bad("coverArt is not a boolean");
  message.has_cover_art = cover.get_bool();
  return message;
}

// Printable ASCII only, bounded: the reason may end up in front of a person.
std::string CleanReason(std::string_view reason) {
  std::string clean;
  for (char c : reason.substr(0, kMaxReasonBytes)) clean += (c >= 0x20 && c < 0x7f) ? c : '?';
  return clean;
}

constexpr std::pair<ChildErrorKind, std::string_view> kErrorKinds[] = {
    {ChildErrorKind::kUnprocessable, "unprocessable"},
    {ChildErrorKind::kOutOfMemory, "out_of_memory"},
    {ChildErrorKind::kInternal, "internal"},
};

ChildMessage ParseError(const json::value& value) {
  const json::object& object = Object(value, "error");
  ChildMessage message;
  message.type = ChildMessage::Type::kError;
  std::string kind = Text(object, "kind");
  bool known = false;
  for (const auto& [code, name] : kErrorKinds) {
    if (kind == name) {
      message.error_kind = code;
      known = true;
    }
  }
  if (!known) Bad("unknown error kind");
  message.reason = CleanReason(Text(object, "reason"));
  return message;
}

}  // namespace

std::string ProgressLine(double fraction) {
  return json::serialize(json::object{{"progress", fraction}}) + "\n";
}

std::string ResultLine(const TranscodeResult& result, const fs::path& work_dir) {
  json::array renditions;
  for (const EncodedRendition& r : result.renditions) {
    renditions.push_back(RenditionJson(r, work_dir));
  }
  const Loudness& loudness = result.loudness;
  json::object body{{"probe", ProbeJson(result.probe)},
                    {"loudness",
                     {{"integratedLufs", loudness.integrated_lufs},
                      {"truePeakDb", loudness.true_peak_db},
                      {"gainDb", loudness.gain_db}}},
                    {"renditions", std::move(renditions)},
                    {"coverArt", result.probe.tags.cover_art.has_value()}};
  return json::serialize(json::object{{"result", std::move(body)}}) + "\n";
}

std::string ErrorLine(ChildErrorKind kind, std::string_view reason) {
  std::string_view name = "internal";
  for (const auto& [code, text] : kErrorKinds) {
    if (code == kind) name = text;
  }
  return json::serialize(
             json::object{{"error", {{"kind", name}, {"reason", CleanReason(reason)}}}}) +
         "\n";
}

ChildMessage ParseChildLine(std::string_view line) {
  if (line.size() > kMaxLineBytes) Bad("line too long");
  json::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec) Bad("not JSON");
  const json::object& object = Object(value, "message");
  if (object.size() != 1) Bad("not exactly one member");
  if (const json::value* progress = object.if_contains("progress")) {
    if (!progress->is_number()) Bad("progress is not a number");
    double fraction = progress->to_number<double>();
    if (!(fraction >= 0 && fraction <= 1)) Bad("progress is out of range");
    ChildMessage message;
    message.progress = fraction;
    return message;
  }
  if (const json::value* result = object.if_contains("result")) return ParseResult(*result);
  if (const json::value* error = object.if_contains("error")) return ParseError(*error);
  Bad("unknown message");
}

}  // namespace cadenza::sandbox
