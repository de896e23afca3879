// Settings of the media pipeline: process roles, worker counts, limits, work folder, lease.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/runtime.h"

namespace cadenza::app {
namespace {

std::string ErrorOf(Settings settings) {
  try {
    BuildConfig({{"flags", std::move(settings)}});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(RolesConfigTest, DefaultsRunEveryRoleWithOneWorkerUnderTheDataDir) {
  Config c = BuildConfig({{"flags", {{"data_dir", "/srv/cadenza"}}}});
  EXPECT_EQ(ServedRoles(c),
            (std::vector<std::string>{"users", "catalog", "playlists", "search", "uploads", "stream",
                                      "worker"}));
  EXPECT_EQ(c.workers, 1);
  EXPECT_EQ(c.worker_threads_per_job, 0);
  EXPECT_EQ(c.WorkDirectory(), "/srv/cadenza/work");
  EXPECT_EQ(c.max_duration, std::chrono::hours(2));
  EXPECT_EQ(c.max_channels, 8);
  EXPECT_EQ(c.max_sample_rate, 192000);
  EXPECT_EQ(c.job_lease, std::chrono::seconds(60));
}

TEST(RolesConfigTest, RolesAreACommaList) {
  Config worker_only = BuildConfig({{"flags", {{"roles", "worker"}}}});
  EXPECT_EQ(ServedRoles(worker_only), std::vector<std::string>{"worker"});
  Config two = BuildConfig({{"flags", {{"roles", "users, catalog"}}}});
  EXPECT_TRUE(two.role_users);
  EXPECT_TRUE(two.role_catalog);
  EXPECT_FALSE(two.role_playlists);
  EXPECT_FALSE(two.role_search);
  EXPECT_FALSE(two.role_uploads);
  EXPECT_FALSE(two.role_stream);
  EXPECT_FALSE(two.role_worker);
  EXPECT_EQ(ServedRoles(BuildConfig({{"flags", {{"roles", "stream,uploads,playlists"}}}})),
            (std::vector<std::string>{"playlists", "uploads", "stream"}));
  // Naming a role twice, or inside a shorthand too, is harmless.
  EXPECT_EQ(ServedRoles(BuildConfig({{"flags", {{"roles", "stream,stream,media"}}}})),
            std::vector<std::string>{"stream"});
}

TEST(RolesConfigTest, ApiNamesEveryRouteGroupAndMediaIsStream) {
  EXPECT_EQ(ServedRoles(BuildConfig({{"flags", {{"roles", "api"}}}})),
            (std::vector<std::string>{"users", "catalog", "playlists", "search", "uploads",
                                      "stream"}));
  // The spellings of existing configurations keep their meaning.
  Config old_split = BuildConfig({{"flags", {{"roles", "api, media"}}}});
  EXPECT_EQ(ServedRoles(old_split),
            (std::vector<std::string>{"users", "catalog", "playlists", "search", "uploads",
                                      "stream"}));
  Config media = BuildConfig({{"flags", {{"roles", "media,worker"}}}});
  EXPECT_EQ(ServedRoles(media), (std::vector<std::string>{"stream", "worker"}));
  // A later source replaces the list rather than adding to it.
  Config later = BuildConfig({{"file", {{"roles", "api,worker"}}}, {"flags", {{"roles", "users"}}}});
  EXPECT_EQ(ServedRoles(later), std::vector<std::string>{"users"});
}

TEST(RolesConfigTest, UnknownRolesAreRefusedWithTheValidOnes) {
  for (const char* bad : {"searches", "api,transcoder", "Users", "stream,", "users;catalog"}) {
    const std::string message = ErrorOf({{"roles", bad}});
    EXPECT_NE(message.find("roles expected a comma list of users, catalog, playlists, search, "
                           "uploads, stream, worker, api"),
              std::string::npos)
        << bad << ": " << message;
  }
  EXPECT_NE(ErrorOf({{"roles", "searches"}}).find("\"searches\" is not a role"),
            std::string::npos);
}

TEST(RolesConfigTest, SearchIsARoleOfItsOwn) {
  Config search = BuildConfig({{"flags", {{"roles", "search"}}}});
  EXPECT_EQ(ServedRoles(search), std::vector<std::string>{"search"});
  EXPECT_TRUE(search.role_search);
  EXPECT_FALSE(search.role_catalog);
  EXPECT_FALSE(search.role_worker);
  Config file = BuildConfig({{"file", {{"roles", "catalog, search"}}}});
  EXPECT_EQ(ServedRoles(file), (std::vector<std::string>{"catalog", "search"}));
  Config env = BuildConfig({{"env", {{"roles", "search,worker"}}}});
  EXPECT_EQ(ServedRoles(env), (std::vector<std::string>{"search", "worker"}));
}

TEST(RolesConfigTest, PipelineSettingsParseWithUnits) {
  Config c = BuildConfig({{"flags", {{"workers", "3"}, {"worker_threads_per_job", "2"},
                                     {"work_dir", "/tmp/scratch"}, {"max_duration", "90m"},
                                     {"max_channels", "2"}, {"max_sample_rate", "48000"},
                                     {"job_lease", "3"}, {"probe_size", "1M"}}}});
  EXPECT_EQ(c.workers, 3);
  EXPECT_EQ(c.worker_threads_per_job, 2);
  EXPECT_EQ(c.WorkDirectory(), "/tmp/scratch");
  EXPECT_EQ(c.max_duration, std::chrono::minutes(90));
  EXPECT_EQ(c.max_channels, 2);
  EXPECT_EQ(c.max_sample_rate, 48000);
  EXPECT_EQ(c.job_lease, std::chrono::seconds(3));
  EXPECT_EQ(c.probe_size, 1 << 20);
  EXPECT_EQ(MediaLimitsFrom(c).probe_size_bytes, 1 << 20);
}

TEST(RolesConfigTest, BadValuesNameTheSetting) {
  EXPECT_NE(ErrorOf({{"roles", "api,transcoder"}}).find("roles expected a comma list"), std::string::npos);
  EXPECT_NE(ErrorOf({{"roles", ""}}).find("roles"), std::string::npos);
  EXPECT_NE(ErrorOf({{"workers", "0"}}).find("workers must be between"), std::string::npos);
  EXPECT_NE(ErrorOf({{"max_channels", "many"}}).find("max_channels"), std::string::npos);
  EXPECT_NE(ErrorOf({{"job_lease", "0"}}).find("job_lease"), std::string::npos);
}

TEST(RolesConfigTest, OnlyTheLeaseIsHiddenFromHelp) {
  EXPECT_TRUE(IsHiddenSetting("job_lease"));
  for (const char* name : {"roles", "workers", "worker_threads_per_job", "work_dir", "max_duration",
                           "max_channels", "max_sample_rate"}) {
    EXPECT_FALSE(IsHiddenSetting(name)) << name;
    EXPECT_NE(std::find(SettingNames().begin(), SettingNames().end(), name), SettingNames().end())
        << name;
  }
}

}  // namespace
}  // namespace cadenza::app
