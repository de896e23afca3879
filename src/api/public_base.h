#pragma once
// Where clients reach this server, for the absolute URLs the API hands out (signed upload and
// download URLs, stream manifests). The URLs the API builds from the services' typed results,
// and the local store's grants, are root-relative ("/blobs/...", "/media/..."); the base goes
// in front of them here.
//
// With `public_url` configured (the right setting behind a proxy or CDN) that is the base.
// Without it the base is the origin the client itself used (its Host header), so a server on
// a laptop or a LAN works whether it is opened as localhost, 127.0.0.1 or a machine name:
// a browser's media and upload requests then stay same-origin.
#include <string>
#include <string_view>

#include "http/request.h"

namespace cadenza::api {

class PublicBase {
 public:
  // `configured`: scheme://host[:port][/prefix] or empty; a trailing '/' is ignored.
  explicit PublicBase(std::string configured);

  // The base for this request, without a trailing '/'; "" when nothing is configured and the
  // request's Host is absent or not a plain host[:port] (the URLs then stay root-relative).
  std::string For(const http::Request& request) const;

  // `root_relative` ("/blobs/...") made absolute for this request.
  std::string Absolute(const http::Request& request, std::string_view root_relative) const;

  // A URL a client sends back (e.g. a trackUrl): the base this request would use is removed,
  // so the service sees the root-relative form it issued. Anything else is returned as is.
  std::string RootRelative(const http::Request& request, std::string_view url) const;

 private:
  std::string configured_;
};

}  // namespace cadenza::api
