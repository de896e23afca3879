#include "api/web_routes.h"

#include <array>
#include <memory>
#include <string>

#include "http/response.h"

namespace cadenza::api {

namespace {

constexpr std::string_view kIndex = "index.html";

// The first path segments the server answers itself: never the app's, even when unknown.
constexpr std::array<std::string_view, 6> kServerPrefixes = {"api",    "media",   "blobs",
                                                             "covers", "healthz", "readyz"};

std::string_view FirstSegment(std::string_view path) {
  if (path.starts_with('/')) path.remove_prefix(1);
  return path.substr(0, path.find('/'));
}

std::string_view LastSegment(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "/assets/app.js" -> "assets/app.js", the app's own name for the file.
std::string_view FileName(std::string_view path) {
  return path.starts_with('/') ? path.substr(1) : path;
}

http::Response NoWebApp() {
  return http::Response::Problem(
      404,
      "this server was built without the web app (CADENZA_WEB=OFF); set web_dir to a built web "
      "app folder to serve one");
}

}  // namespace

bool IsServerPath(std::string_view path) {
  for (std::string_view prefix : kServerPrefixes) {
    if (FirstSegment(path) == prefix) return true;
  }
  return false;
}

bool IsClientRoute(std::string_view path) {
  return !IsServerPath(path) && LastSegment(path).find('.') == std::string_view::npos;
}

std::string WebContentSecurityPolicy(std::string_view store_origin) {
  std::string policy(kWebContentSecurityPolicy);
  if (store_origin.empty()) return policy;
  for (std::string_view directive : {"img-src 'self'", "media-src 'self'", "connect-src 'self'"}) {
    const std::size_t at = policy.find(directive);
    policy.insert(at + directive.size(), " " + std::string(store_origin));
  }
  return policy;
}

http::StaticServeOptions WebServeOptions(const http::StaticFile& file, std::string_view policy) {
  http::StaticServeOptions options;
  // Vite puts every content-hashed file under assets/: its URL changes whenever its bytes do.
  options.cache_control =
      file.path.starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  if (file.content_type.starts_with("text/html")) {
    options.headers.emplace_back("Content-Security-Policy", std::string(policy));
    options.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  return options;
}

void RegisterWebRoutes(http::Router& router, const std::shared_ptr<const http::StaticAssets>& app,
                       std::string_view store_origin) {
  const http::StaticFile* index = app->Find(kIndex);
  if (index == nullptr) {
    router.AddPublic("GET", "/", [](http::Request&) { return NoWebApp(); });
    return;
  }
  auto policy = std::make_shared<const std::string>(WebContentSecurityPolicy(store_origin));
  router.AddPublic("GET", "/", [app, index, policy](http::Request& request) {
    return app->Serve(*index, request, WebServeOptions(*index, *policy));
  });
  router.SetFallback(
      [app](std::string_view path) {
        return !IsServerPath(path) && (IsClientRoute(path) || app->Find(FileName(path)) != nullptr);
      },
      [app, index, policy](http::Request& request) {
        const http::StaticFile* file = app->Find(FileName(request.path));
        if (file == nullptr) file = index;  // a client-side route
        return app->Serve(*file, request, WebServeOptions(*file, *policy));
      });
}

}  // namespace cadenza::api
