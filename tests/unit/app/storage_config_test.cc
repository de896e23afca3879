#include "app/storage_config.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace cadenza::app {
namespace {

TEST(StorageConfigTest, DefaultsAreTheEmbeddedEngines) {
  Config c = BuildConfig({});
  EXPECT_EQ(c.database_url, "") << "SQLite in data_dir";
  EXPECT_TRUE(c.database_replica_urls.empty());
  EXPECT_EQ(c.blob_store_url, "") << "a folder in data_dir";
  EXPECT_EQ(c.database_pool_size, 10);
  EXPECT_EQ(c.database_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c.s3_region, "us-east-1");
  EXPECT_FALSE(c.s3_path_style);
  EXPECT_EQ(c.s3_read_grant_period, std::chrono::hours(1));
}

TEST(StorageConfigTest, ReadGrantPeriodTakesZeroAndRefusesMoreThanHalfAWeek) {
  EXPECT_EQ(BuildConfig({{"flags", {{"s3_read_grant_period", "0"}}}}).s3_read_grant_period,
            std::chrono::seconds(0));
  EXPECT_EQ(BuildConfig({{"flags", {{"s3_read_grant_period", "15m"}}}}).s3_read_grant_period,
            std::chrono::minutes(15));
  EXPECT_EQ(BuildConfig({{"flags", {{"s3_read_grant_period", "3d"}}}}).s3_read_grant_period,
            std::chrono::hours(72));
  for (const char* bad : {"4d", "-1", "soon", ""}) {
    EXPECT_THROW(BuildConfig({{"flags", {{"s3_read_grant_period", bad}}}}), std::runtime_error) << bad;
  }
}

TEST(StorageConfigTest, PostgresUrlsAndReplicasAreTaken) {
  Config c = BuildConfig({{"flags", {
      {"database_url", "postgresql://cadenza:pw@db1:5432/cadenza?sslmode=require"},
      {"database_replica_urls", "postgresql://r1/cadenza, postgres://r2:5433/cadenza"},
      {"database_pool_size", "32"}, {"database_timeout", "250ms"}, {"replica_max_lag", "2s"}}}});
  EXPECT_EQ(c.database_url, "postgresql://cadenza:pw@db1:5432/cadenza?sslmode=require");
  EXPECT_EQ(c.database_replica_urls,
            (std::vector<std::string>{"postgresql://r1/cadenza", "postgres://r2:5433/cadenza"}));
  EXPECT_EQ(c.database_pool_size, 32);
  EXPECT_EQ(c.database_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c.replica_max_lag, std::chrono::seconds(2));
}

TEST(StorageConfigTest, ANonPostgresDatabaseUrlIsRefusedWithoutItsPassword) {
  try {
    BuildConfig({{"flags", {{"database_url", "mysql://root:hunter2@db/cadenza"}}}});
    FAIL() << "accepted a mysql URL";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("database_url"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql://"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  EXPECT_THROW(BuildConfig({{"flags", {{"database_replica_urls", "postgresql://ok/db,file:x"}}}}),
               std::runtime_error);
  EXPECT_THROW(BuildConfig({{"flags", {{"database_pool_size", "0"}}}}), std::runtime_error);
}

TEST(StorageConfigTest, RedactionHidesOnlyThePassword) {
  EXPECT_EQ(RedactedDatabaseUrl("postgresql://cadenza:s3cr%40t@db:5432/c?sslmode=verify-full"),
            "postgresql://cadenza:***@db:5432/c?sslmode=verify-full");
  EXPECT_EQ(RedactedDatabaseUrl("postgresql://cadenza@db/c"), "postgresql://cadenza@db/c");
  EXPECT_EQ(RedactedDatabaseUrl("postgresql://db/c?user=a"), "postgresql://db/c?user=a");
}

TEST(StorageConfigTest, S3UrlsNameABucketAndAPrefix) {
  S3Location whole = ParseS3Url("s3://music-masters");
  EXPECT_EQ(whole.bucket, "music-masters");
  EXPECT_EQ(whole.prefix, "");
  S3Location nested = ParseS3Url("s3://music.example.org/prod/cadenza/");
  EXPECT_EQ(nested.bucket, "music.example.org");
  EXPECT_EQ(nested.prefix, "prod/cadenza");
  for (const char* bad : {"s3://", "s3://ab", "s3://Upper", "s3://-lead", "s3://b_ucket",
                          "https://bucket/x", "s3://bucket//x", "s3://bucket/a/../b",
                          "s3://bucket/sp ace"}) {
    EXPECT_THROW(ParseS3Url(bad), std::invalid_argument) << bad;
  }
  Config c = BuildConfig({{"flags", {{"blob_store_url", "s3://media/"},
                                     {"s3_endpoint", "http://127.0.0.1:9000/"},
                                     {"s3_public_endpoint", "https://cdn.example.org/"},
                                     {"s3_path_style", "true"}}}});
  EXPECT_EQ(c.blob_store_url, "s3://media");
  EXPECT_EQ(c.s3_endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(c.s3_path_style);
  EXPECT_EQ(c.s3_public_endpoint, "https://cdn.example.org");
  EXPECT_THROW(BuildConfig({{"flags", {{"s3_endpoint", "127.0.0.1:9000"}}}}), std::runtime_error);
}

TEST(StorageConfigTest, AwsVariablesAreTheLowestPrioritySource) {
  std::string id = "AWS_ACCESS_KEY_ID=AKIAENV";
  std::string secret = "AWS_SECRET_ACCESS_KEY=envsecret";
  std::string region = "AWS_REGION=eu-west-3";
  std::string general_region = "AWS_DEFAULT_REGION=us-west-2";
  std::string endpoint = "AWS_ENDPOINT_URL_S3=http://127.0.0.1:9999";
  std::string unrelated = "AWS_PROFILE=dev";
  std::vector<char*> block = {general_region.data(), id.data(), secret.data(), region.data(),
                              endpoint.data(), unrelated.data(), nullptr};
  Settings aws = ReadAwsEnvironment(block.data());
  EXPECT_EQ(aws, (Settings{{"s3_access_key_id", "AKIAENV"}, {"s3_secret_access_key", "envsecret"},
                           {"s3_region", "eu-west-3"}, {"s3_endpoint", "http://127.0.0.1:9999"}}));
  Config c = BuildConfig({{"AWS environment", aws},
                          {"config file", {{"s3_access_key_id", "AKIAFILE"}}}});
  EXPECT_EQ(c.s3_access_key_id, "AKIAFILE") << "a setting given anywhere wins";
  EXPECT_EQ(c.s3_secret_access_key, "envsecret");
  EXPECT_EQ(c.s3_region, "eu-west-3");
}

}  // namespace
}  // namespace cadenza::app
