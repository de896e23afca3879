#pragma once
// Album cover art: the only sizes ever produced or served. A fixed list keeps a request from
// asking for a size the server would have to make (unbounded resizing is a denial of service).
#include <string>
#include <string_view>

namespace cadenza {

// Square edge lengths in pixels, smallest first.
inline constexpr int kCoverSizes[] = {96, 300, 600, 1200};

// True when `size` is one of kCoverSizes.
constexpr bool IsCoverSize(int size) {
  for (int s : kCoverSizes) {
    if (s == size) return true;
  }
  return false;
}

// The blob key prefix of one version of an album's cover: "covers/<albumId>/<versionId>/".
inline std::string CoverPrefix(std::string_view album_id, std::string_view version_id) {
  return "covers/" + std::string(album_id) + "/" + std::string(version_id) + "/";
}

// The blob key of one size inside a cover prefix: "<prefix><size>.jpg".
inline std::string CoverKey(std::string_view prefix, int size) {
  return std::string(prefix) + std::to_string(size) + ".jpg";
}

}  // namespace cadenza
