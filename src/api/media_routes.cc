#include "api/media_routes.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "api/blob_body_source.h"
#include "api/common.h"
#include "domain/time.h"
#include "http/response.h"
#include "services/media_delivery.h"

namespace cadenza::api {

namespace {

// Manifests are small, but streaming them lets the server apply Range to them too.
class StringBodySource final : public http::BodySource {
 public:
  explicit StringBodySource(std::string text) : text_(std::move(text)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(text_.size()); }
  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    if (offset < 0 || offset >= size()) return 0;
    std::size_t count = std::min(n, text_.size() - static_cast<std::size_t>(offset));
    text_.copy(out, count, static_cast<std::size_t>(offset));
    return count;
  }

 private:
  std::string text_;
};

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// If-None-Match (RFC 9110 13.1.2): "*" or a list of entity tags compared weakly.
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view tag = TrimSpaces(header.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

http::Response ServeMedia(const http::Request& request, MediaDelivery& media) {
  std::string track_id = PathId(request, "trackId");
  MediaResponse file = media.Serve(request.Param("token"), track_id, request.Param("rest"));

  http::Response response;
  response.SetHeader("Cache-Control", file.cache_control);
  response.SetHeader("Access-Control-Allow-Origin", "*");
  if (!file.etag.empty()) {
    response.SetHeader("ETag", file.etag);
    if (NoneMatchHits(request.Header("if-none-match"), file.etag)) {
      response.status = 304;
      return response;
    }
  }
  response.status = 200;
  response.SetHeader("Content-Type", file.content_type);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  if (file.reader) {
    response.stream = std::make_shared<BlobBodySource>(std::move(file.reader));
  } else {
    response.stream = std::make_shared<StringBodySource>(std::move(file.body));
  }
  return response;
}

}  // namespace

void RegisterMediaRoutes(http::Router& router, MediaDelivery& media) {
  router.AddPublic("GET", "/media/{token}/{trackId}/{rest...}",
                   [&media](http::Request& request) { return ServeMedia(request, media); });
}

boost::json::object StreamUrlsJson(const StreamUrls& urls, std::string_view base) {
  auto absolute = [base](const std::string& url) { return std::string(base) + url; };
  boost::json::object progressive;
  for (const auto& [name, url] : urls.progressive) progressive[name] = absolute(url);
  boost::json::value loudness = nullptr;
  if (urls.loudness) {
    loudness = boost::json::object{{"integratedLufs", urls.loudness->integrated_lufs},
                                   {"truePeakDb", urls.loudness->true_peak_db},
                                   {"gainDb", urls.loudness->gain_db}};
  }
  return boost::json::object{{"trackUrl", absolute(urls.hls)},
                             {"albumId", urls.album_id},
                             {"title", urls.title},
                             {"expiresAt", FormatRfc3339(urls.expires_at)},
                             {"hls", absolute(urls.hls)},
                             {"dash", absolute(urls.dash)},
                             {"progressive", std::move(progressive)},
                             {"loudness", std::move(loudness)}};
}

}  // namespace cadenza::api
