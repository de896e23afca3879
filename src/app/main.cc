// cadenza: one binary for the server and its operations (see `cadenza --help`).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "app/commands.h"
#include "app/config.h"
#include "domain/error.h"

namespace {

std::string Kebab(std::string name) {
  for (char& c : name) if (c == '_') c = '-';
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cadenza::app;
  CLI::App cli{"Cadenza: a self-hostable music streaming server"};
  cli.require_subcommand(1);
  cli.fallthrough();  // settings flags may follow the subcommand: `cadenza serve --listen ...`
  std::string config_file;
  cli.add_option("--config", config_file, "TOML config file (default: DATA_DIR/cadenza.toml if present)");

  // Every setting is also a flag of every command: --data-dir, --listen, --public-url, ...
  std::map<std::string, std::optional<std::string>> flags;
  for (const auto& name : SettingNames()) flags[name];
  for (auto& [name, value] : flags) {
    // An empty group keeps operational knobs out of --help; they work like any other flag.
    cli.add_option("--" + Kebab(name), value, "setting " + name + " (env CADENZA_...)")
        ->group(IsHiddenSetting(name) ? "" : "Settings");
  }

  auto* serve = cli.add_subcommand("serve", "Run the HTTP server in the foreground");
  auto* worker = cli.add_subcommand("worker", "Run transcoding workers only (no HTTP listener)");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  UserCreateArgs create_args;
  auto* user_create = user->add_subcommand("create", "Create an account of any role (admins included)");
  user_create->add_option("--email", create_args.email)->required();
  user_create->add_option("--password-file", create_args.password_file, "file holding the password, - for stdin")->required();
  user_create->add_option("--role", create_args.role, "listener, artist or admin")->capture_default_str();
  user_create->add_option("--display-name", create_args.display_name);
  auto* user_list = user->add_subcommand("list", "List accounts");
  std::string target_user;
  auto* user_disable = user->add_subcommand("disable", "Disable an account (its tokens stop working)");
  user_disable->add_option("user", target_user, "email or id")->required();
  auto* user_enable = user->add_subcommand("enable", "Enable a disabled account");
  user_enable->add_option("user", target_user, "email or id")->required();
  TranscodeArgs transcode_args;
  auto* transcode = cli.add_subcommand("transcode", "Transcode a local audio file into all renditions (no server)");
  transcode->add_option("input", transcode_args.input, "audio file")->required();
  transcode->add_option("--out", transcode_args.out_dir, "output folder")->required();
  transcode->add_option("--threads", transcode_args.threads, "encoder threads (0: cores)");
  auto* routes = cli.add_subcommand(
      "routes", "Print every HTTP route this binary serves, with who may call it");
  cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);
  // Logs go to stderr so that command output on stdout (routes, user list) stays parseable.
  spdlog::set_default_logger(spdlog::stderr_color_mt("cadenza"));

  try {
    std::vector<std::pair<std::string, Settings>> sources;
    Settings env = ReadEnvironment(environ);
    Settings flag_settings;
    for (const auto& [name, value] : flags) if (value) flag_settings[name] = *value;
    // The data directory decides where the default config file is, so resolve it first.
    Config bootstrap = BuildConfig({{"environment", env}, {"command line", flag_settings}});
    std::filesystem::path file = config_file.empty() ? bootstrap.data_dir / "cadenza.toml"
                                                     : std::filesystem::path(config_file);
    if (!config_file.empty() || std::filesystem::exists(file)) {
      sources.emplace_back("config file " + file.string(), ReadConfigFile(file));
    }
    sources.emplace_back("environment", env);
    sources.emplace_back("command line", flag_settings);
    Config config = BuildConfig(sources);
    spdlog::set_level(spdlog::level::from_str(config.log_level));

    if (cli.got_subcommand("version")) {
      std::cout << "cadenza 0.1.0\n";
      return 0;
    }
    if (serve->parsed()) return RunServe(config);
    if (worker->parsed()) return RunWorker(config);
    if (migrate->parsed()) return RunMigrate(config);
    if (routes->parsed()) return RunRoutes(config);
    if (transcode->parsed()) return RunTranscode(config, transcode_args);
    if (user_create->parsed()) return RunUserCreate(config, create_args);
    if (user_list->parsed()) return RunUserList(config);
    if (user_disable->parsed()) return RunUserSetDisabled(config, target_user, true);
    if (user_enable->parsed()) return RunUserSetDisabled(config, target_user, false);
  } catch (const cadenza::Error& e) {
    std::cerr << "cadenza: " << e.what() << (e.field().empty() ? "" : " (" + e.field() + ")") << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cadenza: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
