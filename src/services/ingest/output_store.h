#pragma once
// Every call the ingest worker makes on the BlobStore: copying a track's original to a local
// file for the transcoder, and storing the attempt's outputs. Blocking; thread-safe as the
// store is.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "ports/blob_store.h"
#include "services/ingest/rendition_outputs.h"

namespace cadenza {

// Copies the blob `key` to `folder`/original<ext> and returns that path, streaming it in
// chunks (never whole in memory); the extension comes from the blob's first bytes
// (services/audio_sniff.h), never from anything the uploader sent, since a few formats (MP3
// without ID3, raw AAC) probe better with it. Throws std::runtime_error when the blob is
// missing or the file cannot be written, and what the store throws. With a store that serves
// clients directly, whose pre-signed PUT still works after the claim until it expires, a blob
// whose size is not `claimed_size` (the size the claim recorded) was replaced since: it is
// not copied, and PermanentFailure (attempt.h) says so.
std::filesystem::path CopyOriginalToLocal(BlobStore& blobs, std::string_view key,
                                          std::int64_t claimed_size,
                                          const std::filesystem::path& folder);

// How many files StoreOutputs puts at once: a remote store's round trips, not bandwidth,
// bound the put of a small segment, and a few at once hide them without flooding the store.
inline constexpr int kParallelOutputPuts = 4;

// Stores each file under its key, up to `parallel` (at least 1) at once on threads of its
// own, calling `before_each` before each put (it throws to stop). The first exception, from
// `before_each` or a put, stops the rest: no new put starts, the puts under way finish, and
// it is rethrown once every thread has ended; files stored so far stay, under the attempt's
// prefix, for the caller to queue for deletion. Each file is handed over as takeable (a store
// on the same filesystem renames it into place), so callers must not need it afterwards.
// `before_each` must be thread-safe. Throws what the store throws.
void StoreOutputs(BlobStore& blobs, const std::vector<OutputFile>& files,
                  const std::function<void()>& before_each, int parallel = kParallelOutputPuts);

}  // namespace cadenza
