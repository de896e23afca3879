#include "services/audio_sniff.h"

namespace cadenza {

namespace {

bool At(std::string_view head, std::size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
}

// An MPEG-1/2/2.5 audio frame header: 11 set sync bits, then a version other than the
// reserved 01 and a layer other than the reserved 00. The layer check keeps AAC's ADTS
// headers (layer 00) from passing as MP3.
bool IsMpegFrameSync(std::string_view head) {
  if (head.size() < 2) return false;
  auto b0 = static_cast<unsigned char>(head[0]);
  auto b1 = static_cast<unsigned char>(head[1]);
  if (b0 != 0xFF || (b1 & 0xE0) != 0xE0) return false;
  unsigned version = (b1 >> 3) & 0x3;
  unsigned layer = (b1 >> 1) & 0x3;
  return version != 0x1 && layer != 0x0;
}

}  // namespace

std::string_view SniffAudioContentType(std::string_view head) {
  if (At(head, 0, "fLaC")) return "audio/flac";
  if (At(head, 0, "OggS")) return "audio/ogg";
  if (At(head, 0, "ID3") || IsMpegFrameSync(head)) return "audio/mpeg";
  if (At(head, 0, "RIFF") && At(head, 8, "WAVE")) return "audio/wav";
  if (At(head, 0, "FORM") && (At(head, 8, "AIFF") || At(head, 8, "AIFC"))) return "audio/aiff";
  if (At(head, 4, "ftyp")) return "audio/mp4";
  return "application/octet-stream";
}

}  // namespace cadenza
