#include "adapters/ffmpeg/codec_whitelist.h"

#include <algorithm>
#include <array>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace cadenza::ffmpeg {
namespace {

// What the demuxer whitelist is there to carry: lossless masters (FLAC, ALAC, PCM in WAV,
// AIFF, W64, MP4 or Matroska) and the common lossy formats (MP3, AAC, Vorbis, Opus). Every
// other libavcodec audio decoder (ADPCM, TTA, RealAudio, AC-3, WMA, ...) is attack surface
// Cadenza does not need.
constexpr std::array kAcceptedCodecs = {
    AV_CODEC_ID_FLAC,      AV_CODEC_ID_ALAC,      AV_CODEC_ID_MP3,       AV_CODEC_ID_AAC,
    AV_CODEC_ID_VORBIS,    AV_CODEC_ID_OPUS,      AV_CODEC_ID_PCM_U8,    AV_CODEC_ID_PCM_S8,
    AV_CODEC_ID_PCM_S16LE, AV_CODEC_ID_PCM_S16BE, AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_S24BE,
    AV_CODEC_ID_PCM_S32LE, AV_CODEC_ID_PCM_S32BE, AV_CODEC_ID_PCM_F32LE, AV_CODEC_ID_PCM_F32BE,
    AV_CODEC_ID_PCM_F64LE, AV_CODEC_ID_PCM_F64BE,
};

}  // namespace

// The decoders FFmpeg 5.1 registers for the codecs above (mp3float and aac are the ones
// avcodec_find_decoder picks; mp3 and aac_fixed are their fixed-point twins).
const char* const kCodecWhitelist =
    "flac,alac,mp3float,mp3,aac,aac_fixed,vorbis,opus,pcm_u8,pcm_s8,pcm_s16le,pcm_s16be,"
    "pcm_s24le,pcm_s24be,pcm_s32le,pcm_s32be,pcm_f32le,pcm_f32be,pcm_f64le,pcm_f64be";

bool IsAcceptedAudioCodec(AVCodecID codec) {
  return std::find(kAcceptedCodecs.begin(), kAcceptedCodecs.end(), codec) !=
         kAcceptedCodecs.end();
}

std::string UnsupportedCodecReason(AVCodecID codec) {
  return std::string("unsupported audio codec: ") + avcodec_get_name(codec);
}

}  // namespace cadenza::ffmpeg
