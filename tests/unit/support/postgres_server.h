#pragma once
// A throwaway PostgreSQL server for tests: initdb and pg_ctl on a folder of its own, listening on
// a free TCP port of 127.0.0.1 (trust authentication) with its socket inside that folder.
#include <memory>
#include <string>

#include "unit/support/temp_dir.h"

namespace cadenza::test_support {

class PostgresServer {
 public:
  // Creates the cluster and starts the server; throws std::runtime_error (with the log's tail)
  // when it cannot. As root, the folder is handed to the `postgres` user, which runs the
  // server (PostgreSQL refuses to run as root).
  PostgresServer();
  // A streaming replica of `primary` (pg_basebackup -R -X stream), a hot standby on a free
  // port of its own. Throws std::runtime_error when it cannot be made or started.
  struct ReplicaOf {
    const PostgresServer& primary;
  };
  explicit PostgresServer(ReplicaOf replica_of);
  // Stops the server (if running) and removes its folder.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgresql://postgres@127.0.0.1:<port>/<database>
  std::string Url(const std::string& database) const;
  int port() const { return port_; }
  // Stops the server now ("fast" shutdown: open sessions are ended).
  void Stop();
  // Starts a stopped server again on the same port.
  void Start();

 private:
  void OwnFolder() const;                      // as root, hands the folder to `postgres`
  void Launch();                               // starts on a free port, tried a few times
  bool StartOn(int port);                      // pg_ctl start; false when it did not start
  void Run(const std::string& command) const;  // as the server's user; throws on failure

  TempDir dir_;
  int port_ = 0;
  bool running_ = false;
};

// The one server of this test process, started on first use and stopped at exit.
PostgresServer& SharedPostgresServer();

}  // namespace cadenza::test_support
