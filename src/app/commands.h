#pragma once
// The CLI commands. Each returns the process exit code.
#include <cstdint>
#include <string>

#include "app/config.h"

namespace cadenza::app {

// Serves HTTP for the api/media roles and runs the transcoding worker for the worker role,
// until SIGINT/SIGTERM.
int RunServe(const Config& config);
// The transcoding worker (and the blob janitor) without an HTTP listener, whatever `roles`
// says, until SIGINT/SIGTERM; jobs in progress are finished first.
int RunWorker(const Config& config);
int RunMigrate(const Config& config);
// Prints "METHOD PATTERN ACCESS" per route, ACCESS being "public", "authenticated" or
// "role:<least role>" (the OpenAPI and route-access tests check the server against it).
int RunRoutes(const Config& config);

struct UserCreateArgs {
  std::string email;
  std::string password_file;  // "-" reads standard input
  std::string role = "admin";
  std::string display_name;
};
int RunUserCreate(const Config& config, const UserCreateArgs& args);
int RunUserList(const Config& config);
int RunUserSetDisabled(const Config& config, const std::string& email_or_id, bool disabled);
// Changes an account's role; the tokens it was issued before stop working.
int RunUserSetRole(const Config& config, const std::string& email_or_id, const std::string& role);

// `cadenza secrets init`: writes the three signing keys into `dir` for every instance of a
// cluster to share (app/secrets.h InitSecrets) and prints what it wrote; with `force` it
// replaces existing keys and says that this signs everyone out.
int RunSecretsInit(const std::string& dir, bool force);

// Runs the ingest pipeline on a local file into `out_dir` without a server or database: for
// operators checking a file, and for the ingest benchmark. Prints the probe, loudness and the
// renditions; exit 1 with the reason when the file is refused.
struct TranscodeArgs {
  std::string input;
  std::string out_dir;
  int threads = 0;
};
int RunTranscode(const Config& config, const TranscodeArgs& args);

// `cadenza dev seed`: adds a synthetic catalogue of `tracks` tracks (services/seed/) to the
// configured database, migrating it first, with progress on stderr and a summary on stdout.
// Exit 2 with the reason when the catalogue already has tracks and `force` is false.
struct SeedArgs {
  std::int64_t tracks = 0;
  std::uint64_t random_seed = 1;
  std::string as_of;  // YYYY-MM-DD; empty: today (UTC)
  bool force = false;
};
int RunDevSeed(const Config& config, const SeedArgs& args);

// The confined child of the sandboxed transcoder (hidden from --help; see
// adapters/sandbox/child_main.h): runs the in-process transcoder on `request`, a request
// the parent encoded. Reads no configuration.
int RunSandboxTranscode(const std::string& request);

}  // namespace cadenza::app
