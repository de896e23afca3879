#include "app/storage_config.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace cadenza::app {

namespace {

// libpq takes key=value strings too, but a URI has one unambiguous form to check and redact.
void CheckDatabaseUrl(const std::string& url) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    throw std::invalid_argument("expected a postgresql:// URI such as "
                                "postgresql://cadenza:secret@db.example.org:5432/cadenza, got \"" +
                                RedactedDatabaseUrl(url) + "\"");
  }
}

bool IsBucketCharacter(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

bool IsPrefixCharacter(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '.' || ch == '-' || ch == '_' || ch == '/';
}

void CheckPrefix(std::string_view prefix) {
  if (!std::all_of(prefix.begin(), prefix.end(), IsPrefixCharacter)) {
    throw std::invalid_argument("the key prefix may use letters, digits, '.', '-', '_' and '/' only");
  }
  std::size_t start = 0;
  while (start <= prefix.size()) {
    std::size_t slash = std::min(prefix.find('/', start), prefix.size());
    std::string_view segment = prefix.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      throw std::invalid_argument("the key prefix has an empty, '.' or '..' segment");
    }
    start = slash + 1;
  }
}

std::string Trimmed(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

// An http(s) base URL without its trailing '/'; empty stays empty (unset).
std::string HttpBaseUrl(const std::string& url) {
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw std::invalid_argument("must start with http:// or https://, got \"" + url + "\"");
  }
  return Trimmed(url);
}

}  // namespace

S3Location ParseS3Url(const std::string& url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.rfind(kScheme, 0) != 0) {
    throw std::invalid_argument("expected s3://BUCKET or s3://BUCKET/PREFIX, got \"" + url + "\"");
  }
  std::string rest = Trimmed(url.substr(kScheme.size()));
  std::size_t slash = rest.find('/');
  S3Location location;
  location.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) location.prefix = rest.substr(slash + 1);
  const std::string& bucket = location.bucket;
  if (bucket.size() < 3 || bucket.size() > 63 ||
      !std::all_of(bucket.begin(), bucket.end(), IsBucketCharacter) || bucket.front() == '.' ||
      bucket.front() == '-' || bucket.back() == '.' || bucket.back() == '-') {
    throw std::invalid_argument("\"" + bucket + "\" is not a valid bucket name (3 to 63 lowercase "
                                "letters, digits, '.' and '-', starting and ending with a letter or digit)");
  }
  if (!location.prefix.empty()) CheckPrefix(location.prefix);
  return location;
}

std::string RedactedDatabaseUrl(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::size_t authority = scheme + 3;
  std::size_t at = url.find('@', authority);
  std::size_t end = url.find_first_of("/?", authority);
  if (at == std::string::npos || (end != std::string::npos && at > end)) return url;
  std::size_t colon = url.find(':', authority);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Settings ReadAwsEnvironment(char** environ_block) {
  static const std::vector<std::pair<std::string, std::string>> kNames = {
      // Later entries win: the more specific variable over the general one.
      {"AWS_DEFAULT_REGION", "s3_region"},
      {"AWS_REGION", "s3_region"},
      {"AWS_ENDPOINT_URL", "s3_endpoint"},
      {"AWS_ENDPOINT_URL_S3", "s3_endpoint"},
      {"AWS_ACCESS_KEY_ID", "s3_access_key_id"},
      {"AWS_SECRET_ACCESS_KEY", "s3_secret_access_key"},
  };
  Settings out;
  if (environ_block == nullptr) return out;
  for (const auto& [variable, setting] : kNames) {
    const std::string wanted = variable + "=";
    for (char** e = environ_block; *e != nullptr; ++e) {
      std::string_view entry(*e);
      if (entry.rfind(wanted, 0) == 0 && entry.size() > wanted.size()) {
        out[setting] = std::string(entry.substr(wanted.size()));
      }
    }
  }
  return out;
}

const SetterTable& StorageSetters() {
  static const SetterTable setters = {
      {"database_url", [](Config& c, const std::string& v) {
         if (!v.empty()) CheckDatabaseUrl(v);
         c.database_url = v;
       }},
      {"database_replica_urls", [](Config& c, const std::string& v) {
         std::vector<std::string> urls = ParseList(v);
         for (const auto& url : urls) CheckDatabaseUrl(url);
         c.database_replica_urls = std::move(urls);
       }},
      {"database_pool_size", [](Config& c, const std::string& v) { c.database_pool_size = static_cast<int>(ParseInteger(v, 1, 1000)); }},
      {"database_timeout", [](Config& c, const std::string& v) { c.database_timeout = ParseMillis(v); }},
      {"replica_max_lag", [](Config& c, const std::string& v) { c.replica_max_lag = ParseMillis(v); }},
      {"blob_store_url", [](Config& c, const std::string& v) {
         if (!v.empty()) ParseS3Url(v);
         c.blob_store_url = Trimmed(v);
       }},
      {"s3_endpoint", [](Config& c, const std::string& v) { c.s3_endpoint = HttpBaseUrl(v); }},
      {"s3_public_endpoint", [](Config& c, const std::string& v) { c.s3_public_endpoint = HttpBaseUrl(v); }},
      {"s3_region", [](Config& c, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("must not be empty (us-east-1, eu-west-3, ...)");
         c.s3_region = v;
       }},
      {"s3_path_style", [](Config& c, const std::string& v) { c.s3_path_style = ParseBool(v); }},
      {"s3_access_key_id", [](Config& c, const std::string& v) { c.s3_access_key_id = v; }},
      {"s3_secret_access_key", [](Config& c, const std::string& v) { c.s3_secret_access_key = v; }},
      {"s3_read_grant_period", [](Config& c, const std::string& v) {
         c.s3_read_grant_period = v == "0" ? std::chrono::seconds(0) : ParseDuration(v);
         // The store keeps a period to at most half the longest grant SigV4 allows (7 days).
         if (c.s3_read_grant_period > std::chrono::seconds(302400)) {
           throw std::invalid_argument("must be 0 or at most 3.5 days (302400 s)");
         }
       }},
  };
  return setters;
}

}  // namespace cadenza::app
