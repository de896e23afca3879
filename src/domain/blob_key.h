#pragma once
#include <string_view>

namespace cadenza {

// Blob keys are relative paths of segments made of [A-Za-z0-9._-], joined by single '/',
// with no empty, "." or ".." segment, no leading dot in a segment, at most 512 bytes. Such a
// key can never name anything outside the store's folder, whatever the caller sends.
bool IsValidBlobKey(std::string_view key);

}  // namespace cadenza
