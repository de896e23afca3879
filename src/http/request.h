#pragma once
#include <any>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza::http {

// A parsed HTTP request as handlers see it. Handlers run on blocking-work threads.
struct Request {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // as received: path plus query
  std::string path;    // percent-decoded path, without the query
  std::multimap<std::string, std::string> query;  // percent-decoded name -> value
  std::map<std::string, std::string> path_params;  // from the route pattern's {name} parts
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;  // the whole body for ordinary routes (bounded by the route's limit)
  // For routes that stream their body to disk: the spooled file (the handler takes it over)
  // and its size. Unset otherwise.
  std::optional<std::filesystem::path> body_file;
  std::int64_t body_size = 0;
  std::string remote_address;
  // The path as logs show it: no query, credentials replaced (http/log_path.h).
  std::string log_path;
  // What the route's before_body returned (RouteOptions); empty for routes without one.
  std::any admission;

  // The first header with this (case-insensitive) name, or empty.
  std::string_view Header(std::string_view name) const;
  // Every value of the fields with this (case-insensitive) name, joined as one list
  // (RFC 9110 5.3); nullopt when there is none.
  std::optional<std::string> CombinedHeader(std::string_view name) const;
  // The first query parameter with this name.
  std::optional<std::string> Query(std::string_view name) const;
  // A path parameter; throws std::out_of_range when the route has none by that name.
  const std::string& Param(std::string_view name) const;
};

}  // namespace cadenza::http
