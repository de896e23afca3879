// cadenza: one binary for the server and its operations (see `cadenza --help`).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "app/config.h"
#include "app/storage_config.h"
#include "app/process_setup.h"
#include "domain/error.h"

namespace {

using namespace cadenza::app;

std::string Kebab(std::string name) {
  for (char& c : name) if (c == '_') c = '-';
  return name;
}

// The subcommands and their arguments, filled in by CLI11 when it parses.
struct Commands {
  std::string config_file;
  // Every setting is also a flag of every command: --data-dir, --listen, --public-url, ...
  std::map<std::string, std::optional<std::string>> flags;
  CLI::App* serve = nullptr;
  CLI::App* worker = nullptr;
  CLI::App* migrate = nullptr;
  CLI::App* routes = nullptr;
  CLI::App* version = nullptr;
  CLI::App* transcode = nullptr;
  CLI::App* sandbox_transcode = nullptr;
  std::string sandbox_request;
  CLI::App* user_create = nullptr;
  CLI::App* user_list = nullptr;
  CLI::App* user_disable = nullptr;
  CLI::App* user_enable = nullptr;
  CLI::App* user_role = nullptr;
  CLI::App* secrets_init = nullptr;
  std::string secrets_dir;
  bool secrets_force = false;
  std::string target_role;
  UserCreateArgs create_args;
  std::string target_user;
  TranscodeArgs transcode_args;
  CLI::App* dev_seed = nullptr;
  SeedArgs seed_args;
};

void AddSettingFlags(CLI::App& cli, Commands& commands) {
  cli.add_option("--config", commands.config_file,
                 "TOML config file (default: DATA_DIR/cadenza.toml if present)");
  for (const auto& name : SettingNames()) commands.flags[name];
  for (auto& [name, value] : commands.flags) {
    // An empty group keeps operational knobs out of --help; they work like any other flag.
    cli.add_option("--" + Kebab(name), value, "setting " + name + " (env CADENZA_...)")
        ->group(IsHiddenSetting(name) ? "" : "Settings");
  }
}

void AddUserCommands(CLI::App& cli, Commands& commands) {
  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  UserCreateArgs& create = commands.create_args;
  commands.user_create = user->add_subcommand("create", "Create an account of any role (admins included)");
  commands.user_create->add_option("--email", create.email)->required();
  commands.user_create->add_option("--password-file", create.password_file, "file holding the password, - for stdin")->required();
  commands.user_create->add_option("--role", create.role, "listener, artist or admin")->capture_default_str();
  commands.user_create->add_option("--display-name", create.display_name);
  commands.user_list = user->add_subcommand("list", "List accounts");
  commands.user_disable = user->add_subcommand("disable", "Disable an account (its tokens stop working)");
  commands.user_disable->add_option("user", commands.target_user, "email or id")->required();
  commands.user_enable = user->add_subcommand("enable", "Enable a disabled account");
  commands.user_enable->add_option("user", commands.target_user, "email or id")->required();
  commands.user_role = user->add_subcommand("role", "Change an account's role (its tokens stop working)");
  commands.user_role->add_option("user", commands.target_user, "email or id")->required();
  commands.user_role->add_option("role", commands.target_role, "listener, artist or admin")->required();
}

void AddSecretsCommands(CLI::App& cli, Commands& commands) {
  auto* secrets = cli.add_subcommand("secrets", "Manage the signing keys");
  secrets->require_subcommand(1);
  commands.secrets_init = secrets->add_subcommand(
      "init", "Write new signing keys into a folder that every instance shares (secrets_dir)");
  commands.secrets_init->add_option("--dir", commands.secrets_dir, "folder for the keys")
      ->required();
  commands.secrets_init->add_flag("--force", commands.secrets_force,
                                  "replace existing keys (signs everyone out)");
}

void AddDevCommands(CLI::App& cli, Commands& commands) {
  auto* dev = cli.add_subcommand("dev", "Development and benchmarking aids");
  dev->require_subcommand(1);
  SeedArgs& seed = commands.seed_args;
  commands.dev_seed = dev->add_subcommand(
      "seed",
      "Fill the configured catalogue with a synthetic one: accounts, artists, albums and ready "
      "tracks with play counts. No audio exists behind them: their blob keys name no blob, so "
      "they list and search but do not play. Refuses (exit 2) a catalogue that has tracks.");
  commands.dev_seed->add_option("--tracks", seed.tracks, "how many tracks to add")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  commands.dev_seed->add_option("--random-seed", seed.random_seed,
                                "same seed and --as-of on an empty catalogue: same catalogue")
      ->capture_default_str();
  commands.dev_seed->add_option("--as-of", seed.as_of,
                                "YYYY-MM-DD the catalogue ends on (default: today, UTC)");
  commands.dev_seed->add_flag("--force", seed.force, "add to a catalogue that already has tracks");
}

void AddCommands(CLI::App& cli, Commands& commands) {
  commands.serve = cli.add_subcommand("serve", "Run the HTTP server in the foreground");
  commands.worker = cli.add_subcommand("worker", "Run transcoding workers only (no HTTP listener)");
  commands.migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  AddUserCommands(cli, commands);
  AddSecretsCommands(cli, commands);
  AddDevCommands(cli, commands);
  TranscodeArgs& transcode = commands.transcode_args;
  commands.transcode = cli.add_subcommand("transcode", "Transcode a local audio file into all renditions (no server)");
  commands.transcode->add_option("input", transcode.input, "audio file")->required();
  commands.transcode->add_option("--out", transcode.out_dir, "output folder")->required();
  commands.transcode->add_option("--threads", transcode.threads, "encoder threads (0: cores)");
  // The sandboxed transcoder's child side: started by the server, not by people.
  commands.sandbox_transcode = cli.add_subcommand("sandbox-transcode", "");
  commands.sandbox_transcode->group("");
  commands.sandbox_transcode->add_option("request", commands.sandbox_request)->required();
  commands.routes = cli.add_subcommand(
      "routes", "Print every HTTP route this binary serves, with who may call it");
  commands.version = cli.add_subcommand("version", "Print the version");
}

// Defaults, then the config file, then the environment, then the flags (flags win).
Config LoadConfig(const Commands& commands) {
  Settings env = ReadEnvironment(environ);
  Settings flag_settings;
  for (const auto& [name, value] : commands.flags) if (value) flag_settings[name] = *value;
  // The data directory decides where the default config file is, so resolve it first.
  Config bootstrap = BuildConfig({{"environment", env}, {"command line", flag_settings}});
  const std::string& config_file = commands.config_file;
  std::filesystem::path file = config_file.empty() ? bootstrap.data_dir / "cadenza.toml"
                                                   : std::filesystem::path(config_file);
  // AWS_* variables come first, so that any s3_* setting given anywhere wins over them.
  std::vector<std::pair<std::string, Settings>> sources = {{"AWS environment", ReadAwsEnvironment(environ)}};
  if (!config_file.empty() || std::filesystem::exists(file)) {
    sources.emplace_back("config file " + file.string(), ReadConfigFile(file));
  }
  sources.emplace_back("environment", env);
  sources.emplace_back("command line", flag_settings);
  return BuildConfig(sources);
}

int Dispatch(const Commands& commands, const Config& config) {
  if (commands.version->parsed()) {
    std::cout << "cadenza 0.1.0\n";
    return 0;
  }
  if (commands.serve->parsed()) return RunServe(config);
  if (commands.worker->parsed()) return RunWorker(config);
  if (commands.migrate->parsed()) return RunMigrate(config);
  if (commands.routes->parsed()) return RunRoutes(config);
  if (commands.transcode->parsed()) return RunTranscode(config, commands.transcode_args);
  if (commands.user_create->parsed()) return RunUserCreate(config, commands.create_args);
  if (commands.user_list->parsed()) return RunUserList(config);
  if (commands.user_disable->parsed()) return RunUserSetDisabled(config, commands.target_user, true);
  if (commands.user_enable->parsed()) return RunUserSetDisabled(config, commands.target_user, false);
  if (commands.user_role->parsed()) return RunUserSetRole(config, commands.target_user, commands.target_role);
  if (commands.dev_seed->parsed()) return RunDevSeed(config, commands.seed_args);
  if (commands.secrets_init->parsed()) {
    return RunSecretsInit(commands.secrets_dir, commands.secrets_force);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Cadenza: a self-hostable music streaming server"};
  cli.require_subcommand(1);
  cli.fallthrough();  // settings flags may follow the subcommand: `cadenza serve --listen ...`
  Commands commands;
  AddSettingFlags(cli, commands);
  AddCommands(cli, commands);
  CLI11_PARSE(cli, argc, argv);
  // Before any configuration or logging is read: the child has its request and nothing else.
  if (commands.sandbox_transcode->parsed()) return RunSandboxTranscode(commands.sandbox_request);
  // Logs go to stderr so that command output on stdout (routes, user list) stays parseable.
  spdlog::set_default_logger(spdlog::stderr_color_mt("cadenza"));

  RestrictNewFileModes();
  try {
    Config config = LoadConfig(commands);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    return Dispatch(commands, config);
  } catch (const cadenza::Error& e) {
    std::cerr << "cadenza: " << e.what() << (e.field().empty() ? "" : " (" + e.field() + ")") << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cadenza: " << e.what() << "\n";
    return 1;
  }
}
