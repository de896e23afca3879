#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cadenza::http {

// A body too large to hold in memory, read in chunks on blocking-work threads while it is
// sent. The server applies Range requests itself through ReadAt.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual std::int64_t size() const = 0;
  virtual std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type included here
  std::string body;
  // When set, `body` is ignored and the server streams this source, honouring a single
  // byte Range (206/416) and HEAD, and adds Accept-Ranges and Content-Length.
  std::shared_ptr<BodySource> stream;

  // Sets a header, replacing any existing one of that name (case-insensitively).
  Response& SetHeader(std::string name, std::string value);

  static Response Json(int status, const boost::json::value& body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response Empty(int status);
  // RFC 9457 problem details: {type, title, status, detail} (+ extra members such as `field`),
  // Content-Type application/problem+json; `title` is the status's reason phrase.
  static Response Problem(int status, std::string_view detail,
                          boost::json::object extra = {});
};

}  // namespace cadenza::http
