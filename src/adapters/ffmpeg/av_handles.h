#pragma once
// Owning handles for the FFmpeg and libebur128 objects this adapter uses. Each is a
// std::unique_ptr with a deleter that calls the library's own free function (several take a
// pointer to the pointer, hence the small lambdas). Movable, not copyable; null-safe.
#include <memory>
#include <string>

extern "C" {
#include <ebur128.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/dict.h>
#include <libswresample/swresample.h>
}

namespace cadenza::ffmpeg {

struct InputFormatDeleter {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
// An output context also owns the file it writes (oc->pb), closed before the context.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* ctx) const {
    if (ctx == nullptr) return;
    if (ctx->pb != nullptr && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
    avformat_free_context(ctx);
  }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwrDeleter {
  void operator()(SwrContext* swr) const { swr_free(&swr); }
};
struct AudioFifoDeleter {
  void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};
struct DictionaryDeleter {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};
struct Ebur128Deleter {
  void operator()(ebur128_state* state) const { ebur128_destroy(&state); }
};

using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;
using Ebur128Ptr = std::unique_ptr<ebur128_state, Ebur128Deleter>;

// Allocators that throw std::bad_alloc instead of returning null.
FramePtr MakeFrame();
PacketPtr MakePacket();

// FFmpeg's text for an AVERROR code.
std::string AvErrorText(int error);

// For failures that are bugs or environment problems (a missing encoder, a full disk), not
// bad input: throws std::runtime_error("<what>: <FFmpeg's reason>") when `error` < 0.
void CheckAv(int error, const char* what);

// Silences FFmpeg's own logging (it would print to stderr for every bad upload); idempotent.
void QuietFfmpegLogs();

}  // namespace cadenza::ffmpeg
