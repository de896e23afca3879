#pragma once
// Entity tags for immutable stored files (media segments and files, cover art). Opaque: a
// client or cache compares them and learns nothing else, so no storage detail (blob keys, the
// job and attempt in them) reaches a response header.
#include <cstdint>
#include <string>
#include <string_view>

namespace cadenza::api {

// A quoted strong entity tag for the blob `blob_key` of `size` bytes: 32 hex digits of the
// SHA-256 of both. Blobs never change under their key, so the pair names the bytes.
std::string BlobEntityTag(std::string_view blob_key, std::int64_t size);

}  // namespace cadenza::api
