// Reads one JSON object per line on stdin and prints, per line, the pre-signed URL that the S3
// store's code (S3Location + PresignedObjectUrl, the path Grant takes) makes for it:
//   {"endpoint": "", "bucket": "b", "prefix": "", "region": "us-east-1", "path_style": false,
//    "access_key_id": "...", "secret_access_key": "...", "method": "GET", "key": "a b.txt",
//    "query": {"versionId": "..."}, "date": 1369353600, "expires": 86400}
// Keys are taken as they are (any bytes), not checked as blob keys: the point is the signing.
#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "adapters/s3/s3_location.h"

int main() {
  namespace json = boost::json;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    try {
      const json::object input = json::parse(line).as_object();
      auto text = [&](const char* name) {
        const json::value* value = input.if_contains(name);
        return value == nullptr ? std::string() : std::string(value->as_string());
      };
      cadenza::S3Options options;
      options.endpoint = text("endpoint");
      options.bucket = text("bucket");
      options.prefix = text("prefix");
      options.region = text("region");
      options.path_style = input.if_contains("path_style") != nullptr && input.at("path_style").as_bool();
      const cadenza::s3::S3Location location(options);
      const cadenza::s3::SigningCredentials credentials{text("access_key_id"),
                                                        text("secret_access_key"), options.region};
      cadenza::s3::QueryParams query;
      if (const json::value* extra = input.if_contains("query")) {
        for (const auto& [name, value] : extra->as_object()) {
          query.emplace_back(std::string(name), std::string(value.as_string()));
        }
      }
      std::cout << cadenza::s3::PresignedObjectUrl(location, credentials, text("method"),
                                                   location.ObjectName(text("key")), query,
                                                   input.at("date").to_number<std::int64_t>(),
                                                   input.at("expires").to_number<std::int64_t>())
                << "\n";
    } catch (const std::exception& e) {
      std::cout << "error: " << e.what() << "\n";
    }
  }
  return 0;
}
