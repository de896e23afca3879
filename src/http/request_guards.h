#pragma once
// Checks of a request head that come before routing: each returns the refusal to send (the
// connection is then closed, since a body that may follow is not read), or nullopt.
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace cadenza::http {

// Transfer-Encoding other than exactly one "chunked" (RFC 9112 6.1 and 6.3: a server that
// does not understand a coding must answer 400 and close), or together with Content-Length:
// framing that the server and a proxy in front could read differently, the precondition of
// request smuggling.
std::optional<Response> FramingRefusal(const Request& request);

// A Host outside `allowed_hosts` (empty: any host is accepted). Entries are host names or
// host:port, compared without case; an entry without a port accepts any port, one with a
// leading dot accepts the domain and its subdomains. A request without Host is refused when
// the list is set.
std::optional<Response> HostRefusal(const Request& request,
                                    const std::vector<std::string>& allowed_hosts);

}  // namespace cadenza::http
