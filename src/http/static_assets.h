#pragma once
// Static files served from memory (a built web app): content types by extension, precompressed
// gzip and brotli variants chosen by Accept-Encoding, a strong ETag per variant answered with
// 304, and bodies that reference the stored bytes. Which URL maps to which file, and how long
// a file may be cached, are the caller's business.
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/content_negotiation.h"
#include "http/request.h"
#include "http/response.h"

namespace cadenza::http {

// One file compiled into the binary (the table cmake/web_assets.cmake generates). A variant
// that was not worth compressing has a null pointer.
struct EmbeddedFile {
  const char* path;        // relative and '/'-separated: "index.html", "assets/app-1a2b.js"
  const char* sha256_hex;  // of the identity bytes
  const char* identity;
  std::size_t identity_size;
  const char* gzip;
  std::size_t gzip_size;
  const char* brotli;
  std::size_t brotli_size;
};

struct StaticVariant {
  std::string_view bytes;
  // Strong and quoted, one per variant, since the variants' bytes differ (RFC 9110 8.8.3.3):
  // "\"<sha256>\"", "\"<sha256>-gz\"", "\"<sha256>-br\"".
  std::string etag;
};

struct StaticFile {
  std::string path;  // as in EmbeddedFile
  std::string content_type;
  StaticVariant identity;
  std::optional<StaticVariant> gzip;
  std::optional<StaticVariant> brotli;
};

// What the caller decides per file.
struct StaticServeOptions {
  std::string cache_control;                                 // sent on 200 and 304
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers for a 200
};

class StaticAssets : public std::enable_shared_from_this<StaticAssets> {
 public:
  // References the table's bytes (static storage) without copying them.
  static std::shared_ptr<const StaticAssets> FromEmbedded(std::span<const EmbeddedFile> files);

  // Reads every file under `folder` into memory, once. A "<file>.gz" or "<file>.br" beside
  // "<file>" is that file's precompressed variant (ignored, with a warning, when older than
  // the file: it would serve stale content). Names starting with '.' are skipped. Throws
  // std::runtime_error naming the folder or file when it cannot be read or is implausibly
  // large for a web app. `fingerprint` names a file's content (SHA-256 hex, from the crypto
  // port: this layer calls no crypto library) for its entity tags.
  using Fingerprint = std::function<std::string(std::string_view bytes)>;
  static std::shared_ptr<const StaticAssets> LoadFolder(const std::filesystem::path& folder,
                                                        const Fingerprint& fingerprint);

  StaticAssets(const StaticAssets&) = delete;
  StaticAssets& operator=(const StaticAssets&) = delete;

  // The file at a relative path ("index.html"), or null.
  const StaticFile* Find(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

  // The answer to a GET or HEAD for `file`, one of this object's files: the variant that
  // Accept-Encoding prefers, with Content-Type, Content-Encoding, ETag, Cache-Control,
  // `Vary: Accept-Encoding` and `X-Content-Type-Options: nosniff`; a 304 when If-None-Match
  // names that variant's ETag. The body refers to this object's bytes and keeps it alive.
  // Thread-safe.
  Response Serve(const StaticFile& file, const Request& request,
                 const StaticServeOptions& options) const;

 private:
  StaticAssets() = default;
  void Add(std::string path, std::string_view sha256_hex, std::string_view identity,
           std::optional<std::string_view> gzip, std::optional<std::string_view> brotli);

  std::deque<std::string> storage_;  // LoadFolder's bytes; a deque never moves its elements
  std::map<std::string, StaticFile, std::less<>> files_;
};

}  // namespace cadenza::http
