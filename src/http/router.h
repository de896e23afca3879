#pragma once
#include <any>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/principal.h"
#include "http/access.h"
#include "http/request.h"
#include "http/response.h"

namespace cadenza::http {

// Handlers are synchronous and run on blocking-work threads (they may query SQLite, hash
// passwords, read files). They throw cadenza::Error for expected failures; the server maps
// it to problem+json via http/problem.h. Anything else thrown becomes a 500 and is logged.
using Handler = std::function<Response(Request&)>;
// The handler of a route that needs an account: `caller` is who the router's Authenticator
// said is calling, already checked against the route's Access.
using AuthenticatedHandler = std::function<Response(Request&, const Principal& caller)>;

struct RouteOptions {
  // Largest accepted body; larger ones are refused with 413 before they are read.
  std::int64_t max_body_bytes = 1 << 20;
  // Stream the body into a file in `spool_dir` instead of memory (uploads).
  bool spool_body = false;
  std::string spool_dir;
  // Runs on the blocking-work threads after the headers and before the body is read. It may
  // refuse the request (throw cadenza::Error) or lower `max_body_bytes` for this request
  // (e.g. to the limit a signed upload URL carries). `request.body` is still empty. What it
  // returns (e.g. the grant it checked) reaches the handler as `request.admission`, so the
  // handler need not check again.
  std::function<std::any(const Request& head, std::int64_t& max_body_bytes)> before_body;
};

struct Route {
  std::string method;   // "GET", "POST", ... ; GET routes also answer HEAD
  std::string pattern;  // "/api/v1/tracks/{id}"; a final "{name...}" matches the rest
  Handler handler;      // set for public routes
  RouteOptions options;
  Access access = Access::Public();
  AuthenticatedHandler authenticated_handler;  // set for routes that need an account
};

class Router {
 public:
  // `authenticate` tells who calls a route that needs an account; a router without one can
  // hold public routes only.
  explicit Router(Authenticator authenticate = nullptr);

  // A route anyone may call (Access::Public()). Throws std::invalid_argument for a malformed
  // pattern (not starting with '/', a "{rest...}" segment that is not last, an unnamed or
  // unbalanced "{...}").
  void AddPublic(std::string method, std::string pattern, Handler handler,
                 RouteOptions options = {});
  // A route that needs an account: before anything else runs for a request, even
  // `options.before_body`, the connection calls Authenticate() and answers its error (401 or
  // 403) without reading the body. Throws std::invalid_argument for Access::Public() (use
  // AddPublic) or a malformed pattern, std::logic_error when the router has no Authenticator.
  void AddAuthenticated(std::string method, std::string pattern, Access access,
                        AuthenticatedHandler handler, RouteOptions options = {});

  // The caller of `route`, which needs an account: runs the Authenticator on the request head
  // and checks the route's Access. Throws Error(kUnauthenticated) from the Authenticator, or
  // Error(kPermissionDenied) for a role that may never call the route. Thread-safe.
  Principal Authenticate(const Route& route, const Request& head) const;

  struct Match {
    const Route* route = nullptr;              // null when nothing matched
    std::vector<std::string> allowed_methods;  // when the path matched other methods (405)
  };
  // `path` is the path as received (percent-encoded, without the query); each segment is
  // percent-decoded before it is compared, so "%2F" stays inside one segment. Literal segments
  // win over {param} at the same position whatever the registration order; a GET route also
  // answers HEAD. Fills request.path_params (decoded) on a match. When the path matches only
  // routes of other methods, `allowed_methods` lists them (sorted, HEAD added beside GET).
  // Thread-safe for concurrent Find calls once all routes are added.
  Match Find(std::string_view method, std::string_view path, Request& request) const;

  // Answers GET (and HEAD) for paths no route matches that `claims` accepts: a single-page
  // app's files and its client-side routes, which no pattern can enumerate. `claims` gets the
  // decoded path ("/albums/x") and must be thread-safe. Routes always win over the fallback,
  // and any other method on a claimed path gets 405 with `Allow: GET, HEAD`. Not listed by
  // routes(). Call once, before the router is shared.
  void SetFallback(std::function<bool(std::string_view path)> claims, Handler handler);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  // A pattern split into segments once, at Add(): kind 0 literal, 1 {param}, 2 {rest...}.
  struct PatternSegment {
    int kind = 0;
    std::string text;  // the literal, or the parameter's name
  };

  void AddRoute(Route route);

  Authenticator authenticate_;
  std::vector<Route> routes_;
  std::vector<std::vector<PatternSegment>> patterns_;  // parallel to routes_
  std::function<bool(std::string_view)> fallback_claims_;
  std::optional<Route> fallback_;
};

}  // namespace cadenza::http
