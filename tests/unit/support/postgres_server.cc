#include "unit/support/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cadenza::test_support {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin/";

// A port nobody listens on right now (the kernel's pick for an ephemeral bind).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string Tail(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

PostgresServer::PostgresServer() {
  OwnFolder();
  std::string root = dir_.path().string();
  // initdb's pg_hba.conf trusts replication connections from 127.0.0.1 too (-A trust), and
  // PostgreSQL 15 defaults to wal_level=replica with 10 WAL senders: replicas need no more.
  Run(std::string(kBin) + "initdb --no-sync -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D '" +
      root + "/data' > '" + root + "/initdb.log' 2>&1");
  Launch();
}

PostgresServer::PostgresServer(ReplicaOf replica_of) {
  const PostgresServer& primary = replica_of.primary;
  OwnFolder();
  std::string root = dir_.path().string();
  Run(std::string(kBin) + "pg_basebackup -h 127.0.0.1 -p " + std::to_string(primary.port()) +
      " -U postgres -D '" + root + "/data' -R -X stream > '" + root + "/basebackup.log' 2>&1");
  Launch();
}

void PostgresServer::OwnFolder() const {
  std::string root = dir_.path().string();
  if (geteuid() == 0) {
    std::string chown = "chown postgres: '" + root + "'";
    if (std::system(chown.c_str()) != 0) throw std::runtime_error("cannot chown " + root);
  }
}

void PostgresServer::Launch() {
  // A port taken between FreePort and the server's bind fails the start: try another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (StartOn(FreePort())) return;
  }
  throw std::runtime_error("PostgreSQL did not start:\n" + Tail(dir_.path().string() + "/server.log"));
}

bool PostgresServer::StartOn(int port) {
  std::string root = dir_.path().string();
  port_ = port;
  std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                        root + " -c fsync=off -c full_page_writes=off" +
                        " -c synchronous_commit=off -c max_connections=200";
  std::string start = std::string(kBin) + "pg_ctl -w -t 60 -D '" + root + "/data' -l '" + root +
                      "/server.log' -o '" + options + "' start > /dev/null 2>&1";
  try {
    Run(start);
    running_ = true;
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

void PostgresServer::Start() {
  if (running_) return;
  if (!StartOn(port_)) {
    throw std::runtime_error("PostgreSQL did not start again:\n" +
                             Tail(dir_.path().string() + "/server.log"));
  }
}

PostgresServer::~PostgresServer() {
  try {
    Stop();
  } catch (const std::exception&) {
    // The folder goes anyway; a server that outlives it fails on its own.
  }
}

void PostgresServer::Stop() {
  if (!running_) return;
  running_ = false;
  Run(std::string(kBin) + "pg_ctl -w -t 60 -m fast -D '" + dir_.path().string() +
      "/data' stop > /dev/null 2>&1");
}

std::string PostgresServer::Url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresServer::Run(const std::string& command) const {
  std::string full = geteuid() == 0 ? "runuser -u postgres -- sh -c \"" + command + "\"" : command;
  if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

PostgresServer& SharedPostgresServer() {
  static PostgresServer server;
  return server;
}

}  // namespace cadenza::test_support
