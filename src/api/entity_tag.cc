#include "api/entity_tag.h"

#include "ports/crypto.h"

namespace cadenza::api {

namespace {

// 128 bits: collisions between two versions of one URL's bytes are out of the question.
constexpr std::size_t kTagHexDigits = 32;

}  // namespace

std::string BlobEntityTag(std::string_view blob_key, std::int64_t size) {
  std::string identity(blob_key);
  identity.append("\n").append(std::to_string(size));
  return "\"" + crypto::Sha256Hex(identity).substr(0, kTagHexDigits) + "\"";
}

}  // namespace cadenza::api
