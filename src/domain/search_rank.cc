#include "domain/search_rank.h"

#include <algorithm>
#include <bit>

namespace cadenza {
namespace {

constexpr int kExactLevels = 16;
constexpr int kLevelsPerDoubling = 8;
constexpr int kMaxLevel = 511;  // 9 bits: above every level of a 63-bit count
constexpr int kLevelShift = 52;
constexpr std::int64_t kSecondsMask = 0xFFFFFFFF;  // 32 bits of creation seconds
constexpr int kSecondsShift = 20;

// Whether `level` holds exactly one play count.
bool LevelIsExact(int level) { return level < kExactLevels; }

}  // namespace

int SearchPlaysLevel(std::int64_t plays) {
  if (plays < kExactLevels) return static_cast<int>(std::max<std::int64_t>(plays, 0));
  auto value = static_cast<std::uint64_t>(plays);
  int exponent = static_cast<int>(std::bit_width(value)) - 1;  // 4 and up
  auto mantissa = static_cast<int>((value >> (exponent - 3)) & 7);  // the 3 bits after the top
  return kExactLevels + (exponent - 4) * kLevelsPerDoubling + mantissa;
}

std::int64_t SearchRankBase(std::int64_t plays, Timestamp created) {
  std::int64_t seconds = std::clamp<std::int64_t>(created / 1000, 0, kSecondsMask);
  auto level_key = static_cast<std::int64_t>(kMaxLevel - SearchPlaysLevel(plays));
  return (level_key << kLevelShift) | ((kSecondsMask - seconds) << kSecondsShift);
}

std::int64_t SearchRankGroupEnd(std::int64_t key) {
  int level = kMaxLevel - static_cast<int>(key >> kLevelShift);
  if (LevelIsExact(level)) return key | (kSearchRankSlots - 1);
  return key | ((std::int64_t{1} << kLevelShift) - 1);
}

}  // namespace cadenza
