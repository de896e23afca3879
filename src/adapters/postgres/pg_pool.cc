#include "adapters/postgres/pg_pool.h"

#include <utility>

#include "domain/error.h"

namespace cadenza::pg {

Pool::Pool(std::string url, int size, std::chrono::milliseconds timeout)
    : url_(std::move(url)), size_(size), timeout_(timeout) {}

Pool::Lease Pool::Acquire() {
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  {
    MutexLock lock(mutex_);
    while (idle_.empty() && open_ >= size_) {
      if (!available_.WaitUntil(lock, deadline) && idle_.empty() && open_ >= size_) {
        throw Error(ErrorCode::kUnavailable,
                    "database busy: no connection of " + std::to_string(size_) + " free within " +
                        std::to_string(timeout_.count()) + " ms");
      }
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++open_;  // the slot is taken while connecting outside the lock
  }
  try {
    return Lease(*this, std::make_unique<Connection>(url_, timeout_));
  } catch (...) {
    {
      MutexLock lock(mutex_);
      --open_;
    }
    available_.NotifyOne();
    throw;
  }
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  if (connection && !connection->broken()) connection->RollbackQuietly();
  {
    MutexLock lock(mutex_);
    if (connection && !connection->broken() && !connection->InTransaction()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;  // closed below, outside the lock; the slot opens for a fresh connection
    }
  }
  available_.NotifyOne();
}

}  // namespace cadenza::pg
