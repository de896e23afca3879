#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "unit/support/test_fixtures.h"

namespace cadenza::app {
namespace {

TEST(ConfigTest, DefaultsServeLocalhostWithDataUnderDotData) {
  Config c = BuildConfig({});
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.public_url, "") << "unset: URLs follow the origin each client used";
  EXPECT_GE(c.worker_threads, 4);
}

TEST(ConfigTest, LaterSourcesWin) {
  Config c = BuildConfig({{"file", {{"listen", "0.0.0.0:9000"}, {"token_ttl", "2h"}}},
                          {"environment", {{"listen", "127.0.0.1:9001"}}},
                          {"command line", {{"token_ttl", "15m"}}}});
  EXPECT_EQ(c.listen_port, 9001);
  EXPECT_EQ(c.token_ttl, std::chrono::minutes(15));
}

TEST(ConfigTest, ThrottleLimitsDefaultAndAcceptZeroForOff) {
  Config defaults = BuildConfig({});
  EXPECT_EQ(defaults.login_failures_per_account, 5);
  EXPECT_EQ(defaults.login_failures_per_address, 20);
  EXPECT_EQ(defaults.registrations_per_address, 10);
  Config c = BuildConfig({{"environment", {{"login_failures_per_account", "3"},
                                           {"login_failures_per_address", "0"},
                                           {"registrations_per_address", "1000"}}}});
  EXPECT_EQ(c.login_failures_per_account, 3);
  EXPECT_EQ(c.login_failures_per_address, 0);
  EXPECT_EQ(c.registrations_per_address, 1000);
  EXPECT_THROW(BuildConfig({{"flags", {{"registrations_per_address", "-1"}}}}), std::runtime_error);
}

TEST(ConfigTest, ListeningEventSettingsHaveDefaultsAndAcceptZeroForOff) {
  Config defaults = BuildConfig({});
  EXPECT_EQ(defaults.max_events_per_minute, 600);
  EXPECT_EQ(defaults.events_interval, std::chrono::seconds(1));
  Config c = BuildConfig({{"environment", {{"max_events_per_minute", "0"},
                                           {"events_interval", "5s"}}}});
  EXPECT_EQ(c.max_events_per_minute, 0);
  EXPECT_EQ(c.events_interval, std::chrono::seconds(5));
  EXPECT_THROW(BuildConfig({{"flags", {{"max_events_per_minute", "-1"}}}}), std::runtime_error);
}

TEST(ConfigTest, EventsRetentionIsAWeekByDefaultAndZeroTurnsItOff) {
  EXPECT_EQ(BuildConfig({}).events_retention, std::chrono::hours(24 * 7));
  EXPECT_EQ(BuildConfig({{"environment", {{"events_retention", "30d"}}}}).events_retention,
            std::chrono::hours(24 * 30));
  EXPECT_EQ(BuildConfig({{"flags", {{"events_retention", "0"}}}}).events_retention,
            std::chrono::seconds(0));
  EXPECT_THROW(BuildConfig({{"flags", {{"events_retention", "-1d"}}}}), std::runtime_error);
  EXPECT_THROW(BuildConfig({{"flags", {{"events_retention", "soon"}}}}), std::runtime_error);
}

TEST(ConfigTest, PublicUrlIsKeptWithoutItsTrailingSlash) {
  EXPECT_EQ(BuildConfig({{"flags", {{"listen", "0.0.0.0:81"}}}}).public_url, "");
  EXPECT_EQ(BuildConfig({{"flags", {{"public_url", "https://music.example.org/"}}}}).public_url,
            "https://music.example.org");
}

TEST(ConfigTest, UnitsForDurationsAndSizes) {
  Config c = BuildConfig({{"flags", {{"upload_url_ttl", "90"}, {"stream_url_ttl", "1d"},
                                     {"max_upload_bytes", "100M"}, {"janitor_interval", "2s"}}}});
  EXPECT_EQ(c.upload_url_ttl, std::chrono::seconds(90));
  EXPECT_EQ(c.stream_url_ttl, std::chrono::hours(24));
  EXPECT_EQ(c.max_upload_bytes, 100LL << 20);
  EXPECT_EQ(c.janitor_interval, std::chrono::seconds(2));
}

TEST(ConfigTest, PerAccountLimitsHaveDefaultsAndTakeSizes) {
  Config defaults = BuildConfig({});
  EXPECT_EQ(defaults.max_open_uploads, 20);
  EXPECT_EQ(defaults.max_stored_bytes, 20LL << 30);
  EXPECT_EQ(defaults.max_queued_jobs, 50);
  Config c = BuildConfig({{"flags", {{"max_open_uploads", "3"}, {"max_stored_bytes", "1K"},
                                     {"max_queued_jobs", "2"}}}});
  EXPECT_EQ(c.max_open_uploads, 3);
  EXPECT_EQ(c.max_stored_bytes, 1024);
  EXPECT_EQ(c.max_queued_jobs, 2);
  EXPECT_THROW(BuildConfig({{"flags", {{"max_queued_jobs", "0"}}}}), std::runtime_error);
}

TEST(ConfigTest, ConnectionLimitsAndAllowedHosts) {
  Config defaults = BuildConfig({});
  EXPECT_EQ(defaults.max_connections, 4096);
  EXPECT_EQ(defaults.max_connections_per_ip, 256);
  EXPECT_EQ(defaults.min_transfer_rate, 1024);
  EXPECT_TRUE(defaults.allowed_hosts.empty());
  Config c = BuildConfig({{"flags", {{"max_connections_per_ip", "0"},
                                     {"min_transfer_rate", "0"},
                                     {"allowed_hosts", " music.example.org, .example.net ,,"}}}});
  EXPECT_EQ(c.max_connections_per_ip, 0);
  EXPECT_EQ(c.min_transfer_rate, 0);
  EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"music.example.org", ".example.net"}));
  EXPECT_THROW(BuildConfig({{"flags", {{"allowed_hosts", "https://music.example.org"}}}}),
               std::runtime_error);
  EXPECT_THROW(BuildConfig({{"flags", {{"max_connections", "0"}}}}), std::runtime_error);
}

TEST(ConfigTest, BadValuesNameTheSettingAndTheSource) {
  auto message = [](Settings s) {
    try {
      BuildConfig({{"environment", std::move(s)}});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{"listen", "nonsense"}}), "environment: listen expected HOST:PORT, got \"nonsense\"");
  EXPECT_NE(message({{"token_ttl", "-5"}}).find("environment: token_ttl"), std::string::npos);
  EXPECT_NE(message({{"max_upload_bytes", "12X"}}).find("max_upload_bytes"), std::string::npos);
  EXPECT_NE(message({{"public_url", "ftp://x"}}).find("http://"), std::string::npos);
  EXPECT_NE(message({{"log_level", "loud"}}).find("one of"), std::string::npos);
  EXPECT_NE(message({{"no_such_setting", "1"}}).find("unknown setting"), std::string::npos);
}

TEST(ConfigTest, ImageWorkersAndQueue) {
  Config defaults = BuildConfig({});
  EXPECT_EQ(defaults.image_workers, 2);
  EXPECT_EQ(defaults.image_queue, 2);
  Config c = BuildConfig({{"flags", {{"image_workers", "3"}, {"image_queue", "0"}}}});
  EXPECT_EQ(c.image_workers, 3);
  EXPECT_EQ(c.image_queue, 0);
  EXPECT_THROW(BuildConfig({{"flags", {{"image_workers", "0"}}}}), std::runtime_error);
  EXPECT_THROW(BuildConfig({{"flags", {{"image_queue", "-1"}}}}), std::runtime_error);
}

TEST(ConfigTest, EnvironmentUsesPrefixedUpperCaseNames) {
  std::string a = "CADENZA_LISTEN=127.0.0.1:7000", b = "CADENZA_BIN=/x", c = "LISTEN=nope";
  char* env[] = {a.data(), b.data(), c.data(), nullptr};
  Settings s = ReadEnvironment(env);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.at("listen"), "127.0.0.1:7000");
}

TEST(ConfigTest, TomlFileTopLevelKeys) {
  test_support::TempDir temp;
  auto path = temp.path() / "cadenza.toml";
  {
    std::ofstream out(path);
    out << "listen = \"0.0.0.0:8443\"\nupload_url_ttl = 120\n";
  }
  Settings s = ReadConfigFile(path);
  EXPECT_EQ(s.at("listen"), "0.0.0.0:8443");
  EXPECT_EQ(s.at("upload_url_ttl"), "120");
  {
    std::ofstream out(path);
    out << "listne = \"typo\"\n";
  }
  EXPECT_THROW(ReadConfigFile(path), std::runtime_error);
  {
    std::ofstream out(path);
    out << "listen = [1, 2\n";
  }
  EXPECT_THROW(ReadConfigFile(path), std::runtime_error);
}

}  // namespace
}  // namespace cadenza::app
