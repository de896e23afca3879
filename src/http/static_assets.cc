#include "http/static_assets.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include <spdlog/spdlog.h>

#include "http/conditional.h"

namespace cadenza::http {
namespace {

namespace fs = std::filesystem;

// A web app is a few megabytes; a folder far past these limits is a wrong web_dir (say, /),
// better refused than read into memory.
constexpr std::size_t kMaxFolderFiles = 20'000;
constexpr std::uintmax_t kMaxFolderBytes = 512ull << 20;

// A body that points at bytes owned by `owner`, so nothing is copied when the response is made.
class StaticBodySource final : public BodySource {
 public:
  StaticBodySource(std::string_view bytes, std::shared_ptr<const void> owner)
      : bytes_(bytes), owner_(std::move(owner)) {}

  std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }

  std::size_t ReadAt(std::int64_t offset, char* out, std::size_t n) override {
    if (offset < 0 || offset >= size()) return 0;
    const std::size_t count = std::min(n, bytes_.size() - static_cast<std::size_t>(offset));
    std::memcpy(out, bytes_.data() + offset, count);
    return count;
  }

 private:
  std::string_view bytes_;
  std::shared_ptr<const void> owner_;
};

std::string ReadWholeFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw std::runtime_error("cannot read " + file.string());
  return bytes;
}

bool IsHidden(const fs::path& relative) {
  for (const auto& part : relative) {
    if (part.string().starts_with('.')) return true;
  }
  return false;
}

// "<file>.gz" / "<file>.br" beside `file` when it is no older than `file`.
std::optional<fs::path> Sibling(const fs::path& file, std::string_view suffix) {
  fs::path sibling = file;
  sibling += suffix;
  std::error_code ec;
  if (!fs::is_regular_file(sibling, ec)) return std::nullopt;
  if (fs::last_write_time(sibling) < fs::last_write_time(file)) {
    spdlog::warn("ignoring {}: it is older than {}, so it may not hold the same content",
                 sibling.string(), file.string());
    return std::nullopt;
  }
  return sibling;
}

bool IsPrecompressedSibling(const fs::path& file) {
  const std::string extension = file.extension().string();
  if (extension != ".gz" && extension != ".br") return false;
  fs::path original = file;
  original.replace_extension();
  std::error_code ec;
  return fs::is_regular_file(original, ec);
}

}  // namespace

std::shared_ptr<const StaticAssets> StaticAssets::FromEmbedded(std::span<const EmbeddedFile> files) {
  std::shared_ptr<StaticAssets> assets(new StaticAssets());
  for (const EmbeddedFile& file : files) {
    auto variant = [](const char* bytes, std::size_t size) -> std::optional<std::string_view> {
      if (bytes == nullptr) return std::nullopt;
      return std::string_view(bytes, size);
    };
    assets->Add(file.path, file.sha256_hex, std::string_view(file.identity, file.identity_size),
                variant(file.gzip, file.gzip_size), variant(file.brotli, file.brotli_size));
  }
  return assets;
}

std::shared_ptr<const StaticAssets> StaticAssets::LoadFolder(const fs::path& folder,
                                                             const Fingerprint& fingerprint) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw std::runtime_error(folder.string() + " is not a folder");
  }
  std::shared_ptr<StaticAssets> assets(new StaticAssets());
  std::uintmax_t total_bytes = 0;
  std::size_t count = 0;
  fs::recursive_directory_iterator it(folder, ec), end;
  if (ec) throw std::runtime_error("cannot list " + folder.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot list " + folder.string() + ": " + ec.message());
    const fs::path relative = it->path().lexically_relative(folder);
    if (IsHidden(relative)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || IsPrecompressedSibling(it->path())) continue;
    if (++count > kMaxFolderFiles) {
      throw std::runtime_error(folder.string() + " holds more than " +
                               std::to_string(kMaxFolderFiles) + " files: not a web app folder");
    }
    auto read = [&](const fs::path& file) -> std::string_view {
      total_bytes += fs::file_size(file);
      if (total_bytes > kMaxFolderBytes) {
        throw std::runtime_error(folder.string() + " holds more than " +
                                 std::to_string(kMaxFolderBytes >> 20) +
                                 " MiB: not a web app folder");
      }
      return assets->storage_.emplace_back(ReadWholeFile(file));
    };
    const std::string_view identity = read(it->path());
    std::optional<std::string_view> gzip, brotli;
    if (auto sibling = Sibling(it->path(), ".gz")) gzip = read(*sibling);
    if (auto sibling = Sibling(it->path(), ".br")) brotli = read(*sibling);
    assets->Add(relative.generic_string(), fingerprint(identity), identity, gzip, brotli);
  }
  return assets;
}

void StaticAssets::Add(std::string path, std::string_view sha256_hex, std::string_view identity,
                       std::optional<std::string_view> gzip, std::optional<std::string_view> brotli) {
  const std::string tag(sha256_hex);
  StaticFile file;
  file.path = path;
  file.content_type = std::string(ContentTypeFor(path));
  file.identity = {identity, "\"" + tag + "\""};
  if (gzip) file.gzip = StaticVariant{*gzip, "\"" + tag + "-gz\""};
  if (brotli) file.brotli = StaticVariant{*brotli, "\"" + tag + "-br\""};
  files_.insert_or_assign(std::move(path), std::move(file));
}

const StaticFile* StaticAssets::Find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

Response StaticAssets::Serve(const StaticFile& file, const Request& request,
                             const StaticServeOptions& options) const {
  const std::optional<std::string> accept = request.CombinedHeader("accept-encoding");
  const ContentCoding coding =
      NegotiateCoding(accept, file.gzip.has_value(), file.brotli.has_value());
  const StaticVariant& variant = coding == ContentCoding::kBrotli ? *file.brotli
                                 : coding == ContentCoding::kGzip ? *file.gzip
                                                                  : file.identity;
  Response response;
  // Caches must key on Accept-Encoding even for the identity answer, or a cache could hand
  // brotli bytes to a client that asked for none.
  response.SetHeader("Vary", "Accept-Encoding");
  response.SetHeader("ETag", variant.etag);
  if (!options.cache_control.empty()) response.SetHeader("Cache-Control", options.cache_control);
  response.SetHeader("X-Content-Type-Options", "nosniff");

  if (NotModified(request, variant.etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.SetHeader("Content-Type", file.content_type);
  if (coding == ContentCoding::kBrotli) response.SetHeader("Content-Encoding", "br");
  if (coding == ContentCoding::kGzip) response.SetHeader("Content-Encoding", "gzip");
  for (const auto& [name, value] : options.headers) response.SetHeader(name, value);
  response.stream = std::make_shared<StaticBodySource>(variant.bytes, shared_from_this());
  return response;
}

}  // namespace cadenza::http
