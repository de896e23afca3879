#pragma once
// A bounded pool of libpq connections.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "base/mutex.h"

namespace cadenza::pg {

// Thread-safe. Opens connections lazily, at most `size` at once.
class Pool {
 public:
  Pool(std::string url, int size, std::chrono::milliseconds timeout);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection lent to one thread; returned on destruction, or closed when it was found
  // broken (so a lost connection is replaced by a new one, never lent again).
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.Return(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Waits up to the timeout for an idle connection or room for a new one, then throws
  // Error(kUnavailable, "database busy: ..."). Connecting throws Error(kUnavailable) too.
  Lease Acquire() EXCLUDES(mutex_);

 private:
  void Return(std::unique_ptr<Connection> connection) EXCLUDES(mutex_);

  const std::string url_;
  const int size_;
  const std::chrono::milliseconds timeout_;
  Mutex mutex_;
  CondVar available_;
  std::vector<std::unique_ptr<Connection>> idle_ GUARDED_BY(mutex_);
  int open_ GUARDED_BY(mutex_) = 0;  // lent plus idle
};

}  // namespace cadenza::pg
