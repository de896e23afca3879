#include "media/layout.h"

#include <cstdio>
#include <stdexcept>

namespace cadenza {

namespace {

constexpr std::string_view kSegmentPrefix = "seg-";
constexpr std::string_view kSegmentSuffix = ".m4s";
constexpr std::size_t kSegmentDigits = 5;

}  // namespace

std::string SegmentFileName(int index) {
  if (index < 0 || index > kMaxSegmentIndex) {
    throw std::out_of_range("segment index " + std::to_string(index) + " out of range");
  }
  char digits[8];
  std::snprintf(digits, sizeof digits, "%0*d", static_cast<int>(kSegmentDigits), index);
  return std::string(kSegmentPrefix) + digits + std::string(kSegmentSuffix);
}

std::optional<int> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kSegmentPrefix.size() + kSegmentDigits + kSegmentSuffix.size() ||
      !name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  int index = 0;
  for (char c : name.substr(kSegmentPrefix.size(), kSegmentDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
  }
  return index;
}

std::string ProgressiveFileName(const RenditionSpec& spec) {
  return RenditionName(spec) + "." + std::string(CodecName(spec.codec));
}

std::string InitSegmentPath(const RenditionSpec& spec) {
  return RenditionName(spec) + "/" + std::string(kInitSegmentName);
}

std::string SegmentPath(const RenditionSpec& spec, int index) {
  return RenditionName(spec) + "/" + SegmentFileName(index);
}

std::string DashSegmentTemplate() {
  return "$RepresentationID$/" + std::string(kSegmentPrefix) + "$Number%0" +
         std::to_string(kSegmentDigits) + "d$" + std::string(kSegmentSuffix);
}

std::string RenditionPrefix(std::string_view track_id, std::string_view job_id, int attempt) {
  return "renditions/" + std::string(track_id) + "/" + std::string(job_id) + "-" +
         std::to_string(attempt) + "/";
}

bool IsCmaf(const Rendition& rendition) { return rendition.packaging == kCmafPackaging; }

bool IsProgressive(const Rendition& rendition) {
  return rendition.packaging == kProgressivePackaging;
}

}  // namespace cadenza
