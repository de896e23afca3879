#pragma once
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/mutex.h"
#include "domain/media.h"
#include "domain/time.h"

namespace cadenza {

// The renditions of recently played tracks, so that the five requests a player makes to start
// a track (and every segment after) do not each read hundreds of segment rows. Entries are
// keyed by the track's updated_at: a transcode that replaces renditions also updates the
// track, so a newer version is a miss and stale layouts are never served. Least recently used
// entries are dropped beyond `capacity` tracks. Thread-safe.
class RenditionCache {
 public:
  using Renditions = std::shared_ptr<const std::vector<Rendition>>;

  explicit RenditionCache(std::size_t capacity) : capacity_(capacity) {}

  // The cached renditions of `track_id` at `version`, or what `load` returns (then cached).
  Renditions Get(std::string_view track_id, Timestamp version,
                 const std::function<std::vector<Rendition>()>& load);

 private:
  struct Entry {
    Timestamp version = 0;
    Renditions renditions;
    std::list<std::string>::iterator recency;
  };

  const std::size_t capacity_;
  Mutex mutex_;
  std::list<std::string> recency_ GUARDED_BY(mutex_);  // most recent first
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mutex_);
};

}  // namespace cadenza
