#include "adapters/ffmpeg/ffmpeg_image_processor.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "adapters/ffmpeg/av_handles.h"
#include "adapters/ffmpeg/image_header.h"
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

constexpr int kJpegQuality = 3;  // mjpeg qscale: 2..31, lower is better

struct SwsDeleter {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

AVCodecID CodecFor(ffmpeg::ImageFormat format) {
  switch (format) {
    case ffmpeg::ImageFormat::kJpeg: return AV_CODEC_ID_MJPEG;
    case ffmpeg::ImageFormat::kPng: return AV_CODEC_ID_PNG;
    case ffmpeg::ImageFormat::kWebp: return AV_CODEC_ID_WEBP;
  }
  return AV_CODEC_ID_NONE;
}

Error Corrupt(const std::string& detail) {
  return Error(ErrorCode::kUnprocessable, "the cover image cannot be decoded: " + detail);
}

// Decodes the image InspectImage described; its limits were checked on the header.
FramePtr Decode(const ffmpeg::ImageHeader& header, std::string_view bytes,
                const ImageLimits& limits) {
  const AVCodec* codec = avcodec_find_decoder(CodecFor(header.format));
  if (codec == nullptr) throw std::runtime_error("libavcodec lacks an image decoder");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  // libavcodec checks max_pixels when it reads the dimensions from the header: should it read
  // other dimensions than InspectImage did, the frame is still not allocated. It counts rows
  // padded to its stride alignment (under 128 pixels), hence the margin. One thread: the
  // image pool's size is the decoding concurrency.
  ctx->max_pixels = limits.max_pixels + std::int64_t{128} * limits.max_dimension;
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
    throw Corrupt("it is damaged");
  }
  rc = avcodec_receive_frame(ctx.get(), frame.get());
  if (rc < 0) {
    throw Corrupt("it is damaged or truncated");
  }
  if (frame->width != header.width || frame->height != header.height) {
    throw Corrupt("its decoded size differs from its header's");
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
  const ffmpeg::ImageHeader header = ffmpeg::InspectImage(bytes, limits);
  FramePtr frame = Decode(header, bytes.substr(0, header.decode_bytes), limits);

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
