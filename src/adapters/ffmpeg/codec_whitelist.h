#pragma once
// The audio codecs an upload may use, beside the demuxer whitelist of media_input.cc: the
// decoders FFmpeg may open for untrusted input at all.
#include <string>

extern "C" {
#include <libavcodec/codec_id.h>
}

namespace cadenza::ffmpeg {

// FFmpeg decoder names, comma-separated, for the `codec_whitelist` option of a format or
// codec context: FLAC, ALAC, the PCM variants of WAV, AIFF, W64, MP4 and Matroska, MP3, AAC-LC
// (and HE-AAC, the same decoder), Vorbis and Opus.
extern const char* const kCodecWhitelist;

// True when `codec` is one of the codecs above.
bool IsAcceptedAudioCodec(AVCodecID codec);

// "unsupported audio codec: tta", the reason an upload in another codec is refused.
std::string UnsupportedCodecReason(AVCodecID codec);

}  // namespace cadenza::ffmpeg
