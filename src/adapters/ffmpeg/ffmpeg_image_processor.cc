#include "adapters/ffmpeg/ffmpeg_image_processor.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "adapters/ffmpeg/av_handles.h"
#include "domain/cover.h"
#include "domain/error.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace cadenza {
namespace {

using ffmpeg::CodecContextPtr;
using ffmpeg::FramePtr;
using ffmpeg::PacketPtr;

constexpr char kUnsupported[] = "cover art must be a JPEG, PNG or WebP image";
constexpr int kJpegQuality = 3;  // mjpeg qscale: 2..31, lower is better

struct SwsDeleter {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

bool StartsWith(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

AVCodecID DetectCodec(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (StartsWith(bytes, "\xFF\xD8\xFF"sv)) return AV_CODEC_ID_MJPEG;
  if (StartsWith(bytes, "\x89PNG\r\n\x1A\n"sv)) return AV_CODEC_ID_PNG;
  if (bytes.size() >= 12 && StartsWith(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) {
    return AV_CODEC_ID_WEBP;
  }
  return AV_CODEC_ID_NONE;
}

Error Corrupt(const std::string& detail) {
  return Error(ErrorCode::kUnprocessable, "the cover image cannot be decoded: " + detail);
}

FramePtr Decode(AVCodecID codec_id, std::string_view bytes, const ImageLimits& limits) {
  const AVCodec* codec = avcodec_find_decoder(codec_id);
  if (codec == nullptr) throw std::runtime_error("libavcodec lacks an image decoder");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  // libavcodec checks max_pixels when it reads the dimensions from the header, so an image
  // claiming huge dimensions is refused before its frame is allocated.
  ctx->max_pixels = static_cast<std::int64_t>(limits.max_dimension) * limits.max_dimension;
  ctx->thread_count = 1;
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) throw std::runtime_error("cannot open decoder");

  // The packet owns a padded copy: decoders read up to AV_INPUT_BUFFER_PADDING_SIZE past the end.
  PacketPtr packet(av_packet_alloc());
  if (!packet || av_new_packet(packet.get(), static_cast<int>(bytes.size())) < 0) {
    throw std::bad_alloc();
  }
  std::memcpy(packet->data, bytes.data(), bytes.size());
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  int rc = avcodec_send_packet(ctx.get(), packet.get());
  if (rc >= 0) rc = avcodec_send_packet(ctx.get(), nullptr);  // flush: one image only
  if (rc < 0 && rc != AVERROR_EOF) {
    throw Corrupt("it is damaged, or larger than " + std::to_string(limits.max_dimension) +
                  " pixels on a side");
  }
  rc = avcodec_receive_frame(ctx.get(), frame.get());
  if (rc < 0) {
    throw Corrupt("it is damaged, truncated, or larger than " +
                  std::to_string(limits.max_dimension) + " pixels on a side");
  }
  if (frame->width <= 0 || frame->height <= 0) throw Corrupt("it has no pixels");
  if (frame->width > limits.max_dimension || frame->height > limits.max_dimension) {
    throw Error(ErrorCode::kUnprocessable, "cover art may be at most " +
                                               std::to_string(limits.max_dimension) +
                                               " pixels on a side");
  }
  return frame;
}

std::string EncodeSquare(const AVFrame& source, int size) {
  SwsPtr sws(sws_getContext(source.width, source.height, static_cast<AVPixelFormat>(source.format),
                            size, size, AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nullptr, nullptr,
                            nullptr));
  if (!sws) throw Corrupt("its pixel format is not supported");
  FramePtr scaled(av_frame_alloc());
  if (!scaled) throw std::bad_alloc();
  scaled->format = AV_PIX_FMT_YUVJ420P;
  scaled->width = size;
  scaled->height = size;
  if (av_frame_get_buffer(scaled.get(), 0) < 0) throw std::bad_alloc();
  sws_scale(sws.get(), source.data, source.linesize, 0, source.height, scaled->data,
            scaled->linesize);

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (codec == nullptr) throw std::runtime_error("libavcodec lacks the mjpeg encoder");
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) throw std::bad_alloc();
  enc->width = size;
  enc->height = size;
  enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
  enc->time_base = AVRational{1, 25};
  enc->flags |= AV_CODEC_FLAG_QSCALE;
  enc->global_quality = FF_QP2LAMBDA * kJpegQuality;
  enc->thread_count = 1;
  if (avcodec_open2(enc.get(), codec, nullptr) < 0) throw std::runtime_error("cannot open mjpeg");
  scaled->quality = enc->global_quality;
  scaled->pts = 0;

  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  if (avcodec_send_frame(enc.get(), scaled.get()) < 0 ||
      avcodec_send_frame(enc.get(), nullptr) < 0 ||
      avcodec_receive_packet(enc.get(), packet.get()) < 0) {
    throw std::runtime_error("mjpeg encoding failed");
  }
  return std::string(reinterpret_cast<const char*>(packet->data),
                     static_cast<std::size_t>(packet->size));
}

}  // namespace

FfmpegImageProcessor::FfmpegImageProcessor() { ffmpeg::QuietFfmpegLogs(); }

std::vector<CoverImage> FfmpegImageProcessor::MakeCovers(std::string_view bytes,
                                                         const ImageLimits& limits) {
  if (static_cast<std::int64_t>(bytes.size()) > limits.max_bytes) {
    throw Error(ErrorCode::kTooLarge, "cover art may be at most " +
                                          std::to_string(limits.max_bytes) + " bytes");
  }
  AVCodecID codec = DetectCodec(bytes);
  if (codec == AV_CODEC_ID_NONE) throw Error(ErrorCode::kUnsupportedMedia, kUnsupported);
  FramePtr frame = Decode(codec, bytes, limits);

  // Centre crop to a square. Cropping may round the offsets for subsampled chroma, so the
  // result can be a pixel off square; the scaler absorbs that.
  const int side = std::min(frame->width, frame->height);
  frame->crop_left = static_cast<std::size_t>((frame->width - side) / 2);
  frame->crop_right = static_cast<std::size_t>(frame->width - side) - frame->crop_left;
  frame->crop_top = static_cast<std::size_t>((frame->height - side) / 2);
  frame->crop_bottom = static_cast<std::size_t>(frame->height - side) - frame->crop_top;
  if (av_frame_apply_cropping(frame.get(), 0) < 0) throw Corrupt("it cannot be cropped");

  std::vector<CoverImage> covers;
  for (int size : kCoverSizes) {
    if (size > side && !covers.empty()) break;
    covers.push_back(CoverImage{size, EncodeSquare(*frame, size)});
  }
  return covers;
}

}  // namespace cadenza
