#include "adapters/s3/s3_location.h"

#include <cctype>

#include "domain/error.h"

namespace cadenza::s3 {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error BadEndpoint(std::string_view endpoint) {
  return InvalidArgument("endpoint", "the S3 endpoint must be http(s)://host[:port], not '" +
                                         std::string(endpoint) + "'");
}

}  // namespace

S3Location::S3Location(const S3Options& options)
    : bucket_(options.bucket), path_style_(options.path_style) {
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + options.region + ".amazonaws.com";
  endpoint_ = endpoint;
  const std::size_t colon = endpoint.find("://");
  if (colon == std::string::npos) throw BadEndpoint(endpoint);
  scheme_ = Lower(endpoint.substr(0, colon));
  if (scheme_ != "http" && scheme_ != "https") throw BadEndpoint(endpoint);
  std::string authority = Lower(endpoint.substr(colon + 3));
  if (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string::npos) {
    throw BadEndpoint(endpoint);
  }
  // The default port is left out of the Host header, as HTTP clients and the SDKs do.
  const std::string default_port = scheme_ == "https" ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  host_ = path_style_ ? authority : bucket_ + "." + authority;
  if (!options.prefix.empty()) key_prefix_ = options.prefix + "/";
}

std::string S3Location::ObjectName(std::string_view key) const {
  return key_prefix_ + std::string(key);
}

std::string S3Location::BucketPath() const { return path_style_ ? "/" + bucket_ : "/"; }

std::string S3Location::ObjectPath(std::string_view object_name) const {
  return (path_style_ ? "/" + bucket_ + "/" : "/") + std::string(object_name);
}

std::string S3Location::Url(std::string_view path, std::string_view encoded_query) const {
  std::string url = scheme_ + "://" + host_ + UriEncode(path, true);
  if (!encoded_query.empty()) url.append("?").append(encoded_query);
  return url;
}

std::string PresignedObjectUrl(const S3Location& location, const SigningCredentials& credentials,
                               std::string_view method, std::string_view object_name,
                               const QueryParams& extra_query, std::int64_t unix_seconds,
                               std::int64_t expires_seconds) {
  const std::string path = location.ObjectPath(object_name);
  return location.Url(path, PresignQuery(credentials, method, location.host(), path, extra_query,
                                         unix_seconds, expires_seconds));
}

}  // namespace cadenza::s3
