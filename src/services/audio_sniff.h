#pragma once
// Content-Type of a stored audio blob, decided from its first bytes rather than from anything
// the uploader claimed: the blob endpoint serves what was uploaded, so a client must not be
// able to make it serve HTML or script under the server's origin.
#include <cstddef>
#include <string_view>

namespace cadenza {

// How many leading bytes SniffAudioContentType looks at; fewer are fine (a short blob).
inline constexpr std::size_t kAudioSniffBytes = 12;

// The media type for a blob starting with `head`:
//   "fLaC" -> audio/flac, "OggS" -> audio/ogg, "ID3" or an MPEG audio frame sync -> audio/mpeg,
//   "RIFF....WAVE" -> audio/wav, "FORM....AIFF"/"AIFC" -> audio/aiff, "....ftyp" -> audio/mp4,
//   anything else -> application/octet-stream.
// Pure function; thread-safe.
std::string_view SniffAudioContentType(std::string_view head);

}  // namespace cadenza
