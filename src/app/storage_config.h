#pragma once
// The settings that choose where metadata and media live: the embedded defaults (SQLite and a
// folder in data_dir) or PostgreSQL with read replicas and an S3-compatible object store.
#include <string>

#include "app/config.h"
#include "app/config_parsing.h"

namespace cadenza::app {

// database_*, replica_max_lag, blob_store_url and s3_*, merged into the table of every setting.
const SetterTable& StorageSetters();

// A bucket and the key prefix inside it, from "s3://BUCKET[/PREFIX]".
struct S3Location {
  std::string bucket;
  std::string prefix;  // without leading or trailing '/'; empty for the whole bucket
};

// Throws std::invalid_argument naming what is wrong: another scheme, a bucket name S3 would
// refuse (3-63 lowercase letters, digits, '.', '-'), or a prefix with empty or dot segments.
S3Location ParseS3Url(const std::string& url);

// The s3_* settings that AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (or
// AWS_DEFAULT_REGION) and AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) give, as every S3 tool
// reads them. The lowest-priority source: any setting given elsewhere wins.
Settings ReadAwsEnvironment(char** environ_block);

// The URL with its password replaced by "***", for logs and error messages.
std::string RedactedDatabaseUrl(const std::string& url);

}  // namespace cadenza::app
