#include "http/router.h"

#include <algorithm>
#include <boost/url/pct_string_view.hpp>
#include <stdexcept>

namespace cadenza::http {
namespace {

// Lower is more specific.
constexpr int kLiteral = 0;
constexpr int kParam = 1;
constexpr int kRest = 2;

// Splits "/a/b/c" into {"a", "b", "c"}; "/" is a single empty segment.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

template <class Segment>
std::vector<Segment> ParsePattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  std::vector<Segment> parsed;
  const auto segments = SplitPath(pattern);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      std::string_view name = segment.substr(1, segment.size() - 2);
      int kind = kParam;
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        if (i + 1 != segments.size()) {
          throw std::invalid_argument("a {name...} segment must be last: " + std::string(pattern));
        }
        name.remove_suffix(3);
        kind = kRest;
      }
      if (name.empty()) {
        throw std::invalid_argument("unnamed route parameter: " + std::string(pattern));
      }
      parsed.push_back(Segment{kind, std::string(name)});
    } else {
      if (segment.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("malformed route parameter: " + std::string(pattern));
      }
      parsed.push_back(Segment{kLiteral, std::string(segment)});
    }
  }
  return parsed;
}

std::optional<std::string> Decode(std::string_view encoded) {
  auto pct = boost::urls::make_pct_string_view(encoded);
  if (!pct) return std::nullopt;
  return pct->decode();
}

// Matches `path` (its segments already decoded) against a pattern; returns the specificity
// (segment kinds, position by position) and fills `params` on success.
template <class Segment>
std::optional<std::vector<int>> MatchPattern(const std::vector<Segment>& pattern,
                                             const std::vector<std::string>& segments,
                                             std::map<std::string, std::string>& params) {
  std::vector<int> specificity;
  std::map<std::string, std::string> captured;
  std::size_t i = 0;
  for (const auto& part : pattern) {
    if (part.kind == kRest) {
      if (i >= segments.size()) return std::nullopt;
      std::string rest = segments[i];
      for (std::size_t j = i + 1; j < segments.size(); ++j) rest += "/" + segments[j];
      if (rest.empty()) return std::nullopt;
      captured[part.text] = std::move(rest);
      specificity.push_back(part.kind);
      i = segments.size();
      break;
    }
    if (i >= segments.size()) return std::nullopt;
    if (part.kind == kLiteral) {
      if (segments[i] != part.text) return std::nullopt;
    } else {
      if (segments[i].empty()) return std::nullopt;
      captured[part.text] = segments[i];
    }
    specificity.push_back(part.kind);
    ++i;
  }
  if (i != segments.size()) return std::nullopt;
  params = std::move(captured);
  return specificity;
}

std::string JoinSegments(const std::vector<std::string>& segments) {
  std::string path;
  for (const auto& segment : segments) path += "/" + segment;
  return path;
}

bool MethodMatches(std::string_view route_method, std::string_view method) {
  return route_method == method || (method == "HEAD" && route_method == "GET");
}

}  // namespace

Router::Router(Authenticator authenticate) : authenticate_(std::move(authenticate)) {}

void Router::AddPublic(std::string method, std::string pattern, Handler handler,
                       RouteOptions options) {
  AddRoute(Route{std::move(method), std::move(pattern), std::move(handler), std::move(options),
                 Access::Public()});
}

void Router::AddAuthenticated(std::string method, std::string pattern, Access access,
                              AuthenticatedHandler handler, RouteOptions options) {
  if (!access.needs_account()) {
    throw std::invalid_argument("AddAuthenticated needs an access that takes an account: " +
                                pattern);
  }
  if (!authenticate_) {
    throw std::logic_error("a route that needs an account needs an Authenticator: " + pattern);
  }
  AddRoute(Route{std::move(method), std::move(pattern), nullptr, std::move(options), access,
                 std::move(handler)});
}

void Router::AddRoute(Route route) {
  // A malformed pattern is refused at start-up, not on the first request.
  auto parsed = ParsePattern<PatternSegment>(route.pattern);
  if (route.method.empty()) throw std::invalid_argument("route method must not be empty");
  patterns_.push_back(std::move(parsed));
  routes_.push_back(std::move(route));
}

Principal Router::Authenticate(const Route& route, const Request& head) const {
  Principal caller = authenticate_(head);
  route.access.CheckRole(caller);
  return caller;
}

void Router::SetFallback(std::function<bool(std::string_view path)> claims, Handler handler) {
  if (!claims || !handler)
    throw std::invalid_argument("a fallback needs a predicate and a handler");
  fallback_claims_ = std::move(claims);
  fallback_ = Route{"GET", "", std::move(handler), RouteOptions{}};
}

Router::Match Router::Find(std::string_view method, std::string_view path, Request& request) const {
  Match match;
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    auto decoded = Decode(raw);
    if (!decoded) return match;  // malformed percent-encoding names no resource
    segments.push_back(std::move(*decoded));
  }

  std::optional<std::vector<int>> best_specificity;
  std::map<std::string, std::string> best_params;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    std::map<std::string, std::string> params;
    auto specificity = MatchPattern(patterns_[r], segments, params);
    if (!specificity) continue;
    if (!MethodMatches(route.method, method)) {
      match.allowed_methods.push_back(route.method);
      if (route.method == "GET") match.allowed_methods.push_back("HEAD");
      continue;
    }
    // Prefer the most specific pattern; among equals, an exact method (HEAD) beats GET-for-HEAD,
    // and otherwise the first registered wins.
    const bool better = !best_specificity || *specificity < *best_specificity ||
                        (*specificity == *best_specificity && route.method == method &&
                         match.route->method != method);
    if (better) {
      best_specificity = std::move(specificity);
      best_params = std::move(params);
      match.route = &route;
    }
  }
  if (match.route) {
    match.allowed_methods.clear();
    request.path_params = std::move(best_params);
    return match;
  }
  if (match.allowed_methods.empty() && fallback_ && fallback_claims_(JoinSegments(segments))) {
    if (MethodMatches(fallback_->method, method)) {
      match.route = &*fallback_;
      request.path_params.clear();
      return match;
    }
    match.allowed_methods = {"GET", "HEAD"};
    return match;
  }
  std::sort(match.allowed_methods.begin(), match.allowed_methods.end());
  match.allowed_methods.erase(
      std::unique(match.allowed_methods.begin(), match.allowed_methods.end()),
      match.allowed_methods.end());
  return match;
}

}  // namespace cadenza::http
