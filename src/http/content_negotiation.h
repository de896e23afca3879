#pragma once
// Choosing what to send for a static file: its media type and its content coding from
// Accept-Encoding (http/conditional.h decides 304s). Pure: no I/O, thread-safe.
#include <optional>
#include <string_view>

namespace cadenza::http {

enum class ContentCoding { kIdentity, kGzip, kBrotli };

// The media type for a path's extension (case-insensitive); "application/octet-stream" for
// extensions it does not know.
std::string_view ContentTypeFor(std::string_view path);

// Chooses among the codings available (identity always is) from an Accept-Encoding value
// (RFC 9110 12.5.3); std::nullopt (no such header) gets identity, since a client that does
// not say what it decodes may decode nothing. Otherwise the highest q-value wins;
// ties go to brotli, then gzip, then identity. q=0 refuses a coding; "*" stands for codings
// not listed; identity, unless listed or refused, is acceptable at the lowest weight. When
// nothing available is acceptable, identity is sent anyway (the header is disregarded
// rather than answered with 406).
ContentCoding NegotiateCoding(std::optional<std::string_view> accept_encoding, bool has_gzip,
                              bool has_brotli);

}  // namespace cadenza::http
