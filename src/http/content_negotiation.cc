#include "http/content_negotiation.h"

#include <array>
#include <string>

#include "http/header_text.h"

namespace cadenza::http {
namespace {

// A qvalue (RFC 9110 12.4.2) in thousandths: "0", "0.5", "1.000"; nullopt when malformed.
std::optional<int> ParseQValue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  if (value > 1000) return std::nullopt;
  return value;
}

// The q-values an Accept-Encoding value gives the codings this server can send, and "*".
struct CodingWeights {
  std::optional<int> brotli, gzip, identity, any;

  std::optional<int>* Slot(std::string_view coding) {
    if (coding == "br") return &brotli;
    if (coding == "gzip" || coding == "x-gzip") return &gzip;
    if (coding == "identity") return &identity;
    if (coding == "*") return &any;
    return nullptr;
  }
};

CodingWeights ParseAcceptEncoding(std::string_view header) {
  CodingWeights weights;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

    const auto semicolon = element.find(';');
    const std::string coding = AsciiLower(TrimOws(element.substr(0, semicolon)));
    if (coding.empty()) continue;
    std::optional<int> q = 1000;
    std::string_view params =
        semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    while (!params.empty() && q) {
      const auto next = params.find(';');
      std::string_view param = TrimOws(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      const auto equals = param.find('=');
      if (equals == std::string_view::npos) continue;
      if (AsciiLower(TrimOws(param.substr(0, equals))) == "q") q = ParseQValue(TrimOws(param.substr(equals + 1)));
    }
    if (!q) continue;  // a malformed weight says nothing reliable about the coding
    if (auto* slot = weights.Slot(coding); slot && !*slot) *slot = *q;  // the first mention counts
  }
  return weights;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view media_type;
  };
  static constexpr std::array<Type, 20> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"gif", "image/gif"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"wasm", "application/wasm"},
      {"xml", "application/xml"},
  }};
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string extension = AsciiLower(name.substr(dot + 1));
    for (const Type& type : kTypes) {
      if (type.extension == extension) return type.media_type;
    }
  }
  return "application/octet-stream";
}

ContentCoding NegotiateCoding(std::optional<std::string_view> accept_encoding, bool has_gzip,
                              bool has_brotli) {
  if (!accept_encoding) return ContentCoding::kIdentity;
  const CodingWeights weights = ParseAcceptEncoding(*accept_encoding);
  auto weight = [&](const std::optional<int>& listed, int unlisted) {
    if (listed) return *listed;
    return weights.any ? *weights.any : unlisted;
  };
  struct Candidate {
    ContentCoding coding;
    int q;
  };
  // In the order that wins ties: the smaller encodings first.
  const std::array<Candidate, 3> candidates = {{
      {ContentCoding::kBrotli, has_brotli ? weight(weights.brotli, 0) : 0},
      {ContentCoding::kGzip, has_gzip ? weight(weights.gzip, 0) : 0},
      // Unlisted, identity is acceptable but ranks last: a client naming a coding wants it.
      {ContentCoding::kIdentity, weight(weights.identity, 1)},
  }};
  Candidate best = {ContentCoding::kIdentity, 0};
  for (const Candidate& candidate : candidates) {
    if (candidate.q > best.q) best = candidate;
  }
  return best.coding;  // identity when every candidate was refused
}

}  // namespace cadenza::http
