#include "adapters/ffmpeg/rendition_encoder.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "adapters/ffmpeg/fmp4_splitter.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace cadenza::ffmpeg {
namespace {

const char* EncoderName(Codec codec) {
  switch (codec) {
    case Codec::kAac:
      return "aac";
    case Codec::kOpus:
      return "libopus";
    case Codec::kMp3:
      return "libmp3lame";
  }
  return "aac";
}

// The private options of the codec's encoder.
std::unique_ptr<AVDictionary, DictionaryDeleter> EncoderOptions(Codec codec) {
  AVDictionary* raw_options = nullptr;
  if (codec == Codec::kAac) {
    av_dict_set(&raw_options, "aac_coder", "fast", 0);
  } else if (codec == Codec::kOpus) {
    av_dict_set(&raw_options, "application", "audio", 0);
    // Constrained VBR keeps the average within a few percent of the nominal bitrate (plain
    // VBR overshoots by 10-15% on dense music), which manifests and bandwidth budgets rely on.
    av_dict_set(&raw_options, "vbr", "constrained", 0);
  }
  return std::unique_ptr<AVDictionary, DictionaryDeleter>(raw_options);
}

}  // namespace

int TargetSampleRate(Codec codec, int source_rate) {
  if (codec == Codec::kOpus) return 48000;
  return source_rate % 11025 == 0 ? 44100 : 48000;
}

RenditionEncoder::RenditionEncoder(const RenditionSpec& spec, int sample_rate, int channels,
                                   const std::filesystem::path& folder, double segment_seconds)
    : spec_(spec),
      folder_(folder),
      cmaf_(spec.codec != Codec::kMp3),
      interleaved_(spec.codec == Codec::kOpus),
      frame_(MakeFrame()),
      packet_(MakePacket()) {
  std::filesystem::remove_all(folder_);
  std::filesystem::create_directories(folder_);
  std::string name = RenditionName(spec);
  output_path_ = folder_ / (cmaf_ ? std::string("fragmented.mp4") : name + ".mp3");

  const AVCodec* codec = AllocateEncoder(sample_rate, channels);
  CreateOutput();
  OpenEncoder(codec);
  OpenStream();
  WriteHeader(segment_seconds);

  fifo_.reset(
      av_audio_fifo_alloc(encoder_->sample_fmt, channels, std::max(encoder_->frame_size, 1) * 4));
  if (!fifo_) throw std::bad_alloc();
}

const AVCodec* RenditionEncoder::AllocateEncoder(int sample_rate, int channels) {
  const AVCodec* codec = avcodec_find_encoder_by_name(EncoderName(spec_.codec));
  if (codec == nullptr)
    throw std::runtime_error(std::string("FFmpeg lacks the ") + EncoderName(spec_.codec) +
                             " encoder");
  encoder_.reset(avcodec_alloc_context3(codec));
  if (!encoder_) throw std::bad_alloc();
  AVCodecContext* enc = encoder_.get();
  enc->sample_rate = sample_rate;
  av_channel_layout_default(&enc->ch_layout, channels);
  enc->sample_fmt = interleaved_ ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP;
  enc->bit_rate = static_cast<std::int64_t>(spec_.bitrate_kbps) * 1000;
  enc->time_base = AVRational{1, sample_rate};
  enc->thread_count = 1;  // parallelism comes from running the renditions side by side
  if (spec_.codec == Codec::kAac) enc->profile = FF_PROFILE_AAC_LOW;
  return codec;
}

void RenditionEncoder::CreateOutput() {
  const char* muxer = cmaf_ ? "mp4" : "mp3";
  AVFormatContext* raw_output = nullptr;
  CheckAv(avformat_alloc_output_context2(&raw_output, nullptr, muxer, output_path_.c_str()),
          "output");
  output_.reset(raw_output);
  if (output_->oformat->flags & AVFMT_GLOBALHEADER) encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
}

void RenditionEncoder::OpenEncoder(const AVCodec* codec) {
  std::unique_ptr<AVDictionary, DictionaryDeleter> options = EncoderOptions(spec_.codec);
  AVDictionary* raw_options = options.release();
  int ret = avcodec_open2(encoder_.get(), codec, &raw_options);
  options.reset(raw_options);
  CheckAv(ret, "opening the encoder");
}

void RenditionEncoder::OpenStream() {
  stream_ = avformat_new_stream(output_.get(), nullptr);
  if (stream_ == nullptr) throw std::bad_alloc();
  CheckAv(avcodec_parameters_from_context(stream_->codecpar, encoder_.get()), "stream parameters");
  stream_->time_base = encoder_->time_base;  // the track's timescale is the sample rate
  CheckAv(avio_open(&output_->pb, output_path_.c_str(), AVIO_FLAG_WRITE), "opening the output");
}

void RenditionEncoder::WriteHeader(double segment_seconds) {
  AVDictionary* raw_mux = nullptr;
  if (cmaf_) {
    // Fragments are cut by hand (av_write_frame(NULL)) on whole encoder frames; the moov is
    // written with the first fragment so it can carry the edit list that skips priming.
    av_dict_set(&raw_mux, "movflags",
                "+frag_custom+dash+default_base_moof+delay_moov+skip_sidx+skip_trailer", 0);
    int frame_size = encoder_->frame_size > 0 ? encoder_->frame_size : 1024;
    frames_per_segment_ = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(
               std::floor(segment_seconds * encoder_->sample_rate / frame_size + 1e-9)));
  }
  std::unique_ptr<AVDictionary, DictionaryDeleter> mux_options(raw_mux);
  raw_mux = mux_options.release();
  int ret = avformat_write_header(output_.get(), &raw_mux);
  mux_options.reset(raw_mux);
  CheckAv(ret, "writing the header");
}

void RenditionEncoder::Encode(const PcmChunk& chunk) {
  if (chunk.frames <= 0) return;
  if (chunk.channels != encoder_->ch_layout.nb_channels)
    throw std::logic_error("channel count mismatch");
  int ret = 0;
  if (interleaved_) {
    scratch_.resize(static_cast<std::size_t>(chunk.frames) * chunk.channels);
    for (int c = 0; c < chunk.channels; ++c) {
      const float* plane = chunk.Plane(c);
      for (int i = 0; i < chunk.frames; ++i)
        scratch_[static_cast<std::size_t>(i) * chunk.channels + c] = plane[i];
    }
    void* data = scratch_.data();
    ret = av_audio_fifo_write(fifo_.get(), &data, chunk.frames);
  } else {
    std::vector<void*> planes(chunk.channels);
    for (int c = 0; c < chunk.channels; ++c) planes[c] = const_cast<float*>(chunk.Plane(c));
    ret = av_audio_fifo_write(fifo_.get(), planes.data(), chunk.frames);
  }
  CheckAv(ret, "buffering samples");
  samples_in_ += chunk.frames;
  SendFrames(false);
}

void RenditionEncoder::SendFrames(bool final) {
  const int frame_size = encoder_->frame_size > 0 ? encoder_->frame_size : 1024;
  const bool small_last = encoder_->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
  while (av_audio_fifo_size(fifo_.get()) >= frame_size ||
         (final && av_audio_fifo_size(fifo_.get()) > 0)) {
    int available = av_audio_fifo_size(fifo_.get());
    int take = std::min(available, frame_size);
    av_frame_unref(frame_.get());
    frame_->nb_samples = (take < frame_size && !small_last) ? frame_size : take;
    frame_->format = encoder_->sample_fmt;
    frame_->sample_rate = encoder_->sample_rate;
    CheckAv(av_channel_layout_copy(&frame_->ch_layout, &encoder_->ch_layout), "frame layout");
    CheckAv(av_frame_get_buffer(frame_.get(), 0), "frame buffer");
    if (frame_->nb_samples > take) {  // an encoder that needs full frames gets silence appended
      av_samples_set_silence(frame_->extended_data, 0, frame_->nb_samples,
                             frame_->ch_layout.nb_channels, encoder_->sample_fmt);
    }
    if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame_->extended_data), take) !=
        take) {
      throw std::runtime_error("audio fifo underrun");
    }
    frame_->pts = next_pts_;
    next_pts_ += frame_->nb_samples;
    CheckAv(avcodec_send_frame(encoder_.get(), frame_.get()), "encoding");
    Drain();
  }
}

void RenditionEncoder::Drain() {
  while (true) {
    int ret = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    CheckAv(ret, "encoding");
    WritePacket();
  }
}

void RenditionEncoder::WritePacket() {
  packet_->stream_index = stream_->index;
  av_packet_rescale_ts(packet_.get(), encoder_->time_base, stream_->time_base);
  int ret = av_write_frame(output_.get(), packet_.get());
  av_packet_unref(packet_.get());
  CheckAv(ret, "writing a packet");
  ++packets_written_;
  if (cmaf_ && packets_written_ % frames_per_segment_ == 0) CutFragment();
}

void RenditionEncoder::CutFragment() {
  // With delay_moov the first flush writes only the moov (now that the priming is known);
  // a second one writes the fragment itself.
  if (!moov_written_) {
    CheckAv(av_write_frame(output_.get(), nullptr), "writing the moov");
    moov_written_ = true;
  }
  CheckAv(av_write_frame(output_.get(), nullptr), "writing a fragment");
}

EncodedRendition RenditionEncoder::Finish() {
  SendFrames(true);
  CheckAv(avcodec_send_frame(encoder_.get(), nullptr), "flushing the encoder");
  Drain();
  if (cmaf_ && packets_written_ % frames_per_segment_ != 0) CutFragment();
  CheckAv(av_write_trailer(output_.get()), "writing the trailer");
  CheckAv(avio_closep(&output_->pb), "closing the output");
  output_.reset();

  EncodedRendition rendition;
  rendition.spec = spec_;
  rendition.sample_rate = encoder_->sample_rate;
  rendition.channels = encoder_->ch_layout.nb_channels;
  rendition.timescale = encoder_->sample_rate;
  rendition.duration = samples_in_;
  if (cmaf_) {
    rendition.packaging = "cmaf";
    rendition.codecs = spec_.codec == Codec::kAac ? "mp4a.40.2" : "opus";
    SplitFmp4 split = SplitFragmentedMp4(output_path_, folder_);
    std::filesystem::remove(output_path_);
    rendition.main = std::move(split.init);
    rendition.segments = std::move(split.segments);
  } else {
    rendition.packaging = "progressive";
    rendition.codecs = "mp3";
    rendition.main.path = output_path_;
    rendition.main.duration = samples_in_;
    rendition.main.size_bytes = static_cast<std::int64_t>(std::filesystem::file_size(output_path_));
  }
  return rendition;
}

}  // namespace cadenza::ffmpeg
