#pragma once
// Conditional GET (RFC 9110 13.1.2): whether a request's If-None-Match lets the server answer
// 304 Not Modified instead of sending a representation again. Shared by every handler that
// sends an entity tag (static files, media files, covers). Pure: no I/O, thread-safe.
#include <string_view>

#include "http/request.h"

namespace cadenza::http {

// True when the If-None-Match value `header` is "*" or lists `etag` under the weak comparison:
// a "W/" prefix on either side is ignored, opaque tags must be equal byte for byte. Elements
// that are not quoted entity tags never match (and do not hide the ones after them).
bool IfNoneMatchHits(std::string_view header, std::string_view etag);

// True when `request` carries If-None-Match (every such field, read as one list) and it names
// the representation tagged `etag`: a GET or HEAD is then answered 304 with the headers a 200
// would carry except the content ones (ETag and Cache-Control stay). False without the field.
bool NotModified(const Request& request, std::string_view etag);

}  // namespace cadenza::http
