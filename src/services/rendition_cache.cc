#include "services/rendition_cache.h"

namespace cadenza {

RenditionCache::Renditions RenditionCache::Get(std::string_view track_id, Timestamp version,
                                               const std::function<std::vector<Rendition>()>& load) {
  std::string key(track_id);
  {
    MutexLock lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.version == version) {
      recency_.splice(recency_.begin(), recency_, it->second.recency);
      return it->second.renditions;
    }
  }
  // Loaded without the lock: a database read must not serialize every other track's requests.
  auto renditions = std::make_shared<const std::vector<Rendition>>(load());
  MutexLock lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.version > version) return renditions;  // a newer layout got there first
    it->second.version = version;
    it->second.renditions = renditions;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return renditions;
  }
  recency_.push_front(key);
  entries_.emplace(key, Entry{version, renditions, recency_.begin()});
  while (entries_.size() > capacity_) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  return renditions;
}

}  // namespace cadenza
