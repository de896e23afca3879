#include "services/rendition_cache.h"

#include <gtest/gtest.h>

namespace cadenza {
namespace {

std::vector<Rendition> Layout(int bitrate) {
  Rendition r;
  r.spec = {Codec::kAac, bitrate};
  return {r};
}

TEST(RenditionCacheTest, LoadsOncePerTrackVersion) {
  RenditionCache cache(8);
  int loads = 0;
  auto load = [&] { ++loads; return Layout(96); };
  auto first = cache.Get("t1", 100, load);
  auto second = cache.Get("t1", 100, load);
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first->at(0).spec.bitrate_kbps, 96);
}

TEST(RenditionCacheTest, ANewerTrackVersionReloads) {
  RenditionCache cache(8);
  cache.Get("t1", 100, [] { return Layout(96); });
  auto updated = cache.Get("t1", 101, [] { return Layout(160); });
  EXPECT_EQ(updated->at(0).spec.bitrate_kbps, 160);
  int loads = 0;
  EXPECT_EQ(cache.Get("t1", 101, [&] { ++loads; return Layout(320); })->at(0).spec.bitrate_kbps, 160);
  EXPECT_EQ(loads, 0);
}

TEST(RenditionCacheTest, EvictsTheLeastRecentlyUsedTrack) {
  RenditionCache cache(2);
  int loads = 0;
  auto load = [&] { ++loads; return Layout(96); };
  cache.Get("a", 1, load);
  cache.Get("b", 1, load);
  cache.Get("a", 1, load);  // a is now the most recent
  cache.Get("c", 1, load);  // evicts b
  EXPECT_EQ(loads, 3);
  cache.Get("a", 1, load);
  EXPECT_EQ(loads, 3);
  cache.Get("b", 1, load);
  EXPECT_EQ(loads, 4);
}

}  // namespace
}  // namespace cadenza
