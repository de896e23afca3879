#pragma once
// Where a bucket's objects live on the wire: the host and path of each request, path-style or
// virtual-host style, and the store's key prefix. No I/O.
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/s3/s3_blob_store.h"
#include "adapters/s3/sigv4.h"

namespace cadenza::s3 {

class S3Location {
 public:
  // Throws Error(kInvalidArgument) for an endpoint that is not "http(s)://host[:port][/]".
  explicit S3Location(const S3Options& options);

  const std::string& scheme() const { return scheme_; }
  // The Host header of every request: "<bucket>.<host>" in virtual-host style, with ":port"
  // when the endpoint names a port other than the scheme's default.
  const std::string& host() const { return host_; }
  // The endpoint as people know it, for messages.
  const std::string& endpoint() const { return endpoint_; }

  // The object name of a blob key: "<prefix>/<key>", or the key without a prefix.
  std::string ObjectName(std::string_view key) const;
  // The store prefix followed by '/', or empty.
  const std::string& key_prefix() const { return key_prefix_; }

  // The decoded request path of the bucket ("/bucket" or "/") and of an object.
  std::string BucketPath() const;
  std::string ObjectPath(std::string_view object_name) const;

  // scheme://host + the encoded path + "?query" when `encoded_query` is not empty.
  std::string Url(std::string_view path, std::string_view encoded_query) const;

 private:
  std::string scheme_;
  std::string host_;
  std::string endpoint_;
  std::string bucket_;
  std::string key_prefix_;
  bool path_style_ = false;
};

// A pre-signed URL for `method` on the object `object_name` (extra query parameters, such as a
// version id, are signed too). The function Grant uses; exposed for the cross-check with the
// AWS SDK.
std::string PresignedObjectUrl(const S3Location& location, const SigningCredentials& credentials,
                               std::string_view method, std::string_view object_name,
                               const QueryParams& extra_query, std::int64_t unix_seconds,
                               std::int64_t expires_seconds);

}  // namespace cadenza::s3
