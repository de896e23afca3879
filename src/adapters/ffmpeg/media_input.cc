#include "adapters/ffmpeg/media_input.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/ffmpeg/codec_whitelist.h"
#include "adapters/ffmpeg/media_errors.h"
#include "domain/error.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace cadenza::ffmpeg {
namespace {

// The audio demuxers an upload may use, by FFmpeg 5.1's names. Playlist, concat and network
// demuxers (hls, concat, ...) are absent on purpose: they open other files or URLs.
constexpr const char* kFormatWhitelist =
    "flac,wav,aiff,mp3,ogg,mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,w64";
// Tags longer than this are someone's lyrics or junk, not a title.
constexpr std::size_t kMaxTagBytes = 1024;
constexpr int kMaxCoverBytes = 16 << 20;
// Undecodable packets tolerated before a file counts as damaged (a glitch in an MP3 stream
// is common and harmless; a file that is mostly garbage is not).
constexpr int kToleratedDecodeErrors = 16;

std::optional<std::string> Tag(AVDictionary* format_tags, AVDictionary* stream_tags,
                               const char* key) {
  for (AVDictionary* tags : {format_tags, stream_tags}) {
    const AVDictionaryEntry* entry = av_dict_get(tags, key, nullptr, 0);
    if (entry == nullptr || entry->value == nullptr) continue;
    std::string value = entry->value;
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
    value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
    if (value.empty() || value.size() > kMaxTagBytes) continue;
    return value;
  }
  return std::nullopt;
}

// "3", "3/12", " 03 " -> 3; anything else (or out of 1..9999) -> nullopt.
std::optional<int> ParseTrackNumber(const std::string& text) {
  int number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  if (end != text.data() + text.size() && *end != '/') return std::nullopt;
  if (number < 1 || number > 9999) return std::nullopt;
  return number;
}

std::optional<std::string> CoverMime(AVCodecID codec) {
  switch (codec) {
    case AV_CODEC_ID_MJPEG:
      return "image/jpeg";
    case AV_CODEC_ID_PNG:
      return "image/png";
    case AV_CODEC_ID_WEBP:
      return "image/webp";
    default:
      return std::nullopt;
  }
}

void SetOption(AVDictionary** options, const char* key, const std::string& value) {
  if (av_dict_set(options, key, value.c_str(), 0) < 0) throw std::bad_alloc();
}

// The size of the upload; throws Error(kUnprocessable) when it is empty.
std::int64_t NonEmptyFileSize(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read " + path.string() + ": " + ec.message());
  if (size == 0) throw Unprocessable("file is empty");
  return static_cast<std::int64_t>(size);
}

// Opens `path` with the local-file protocol and the whitelisted demuxers only, and reads its
// stream information. Throws Error(kUnprocessable, "not an audio file") when that fails.
InputFormatPtr OpenUpload(const std::filesystem::path& path, const MediaLimits& limits) {
  AVDictionary* raw_options = nullptr;
  std::unique_ptr<AVDictionary, DictionaryDeleter> options_owner;
  SetOption(&raw_options, "protocol_whitelist", "file");
  SetOption(&raw_options, "format_whitelist", kFormatWhitelist);
  SetOption(&raw_options, "codec_whitelist", kCodecWhitelist);
  SetOption(&raw_options, "probesize",
            std::to_string(std::max<std::int64_t>(32, limits.probe_size_bytes)));
  SetOption(&raw_options, "analyzeduration",
            std::to_string(std::max<std::int64_t>(0, limits.analyze_duration_us)));
  options_owner.reset(raw_options);

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) throw std::bad_alloc();
  // The "file:" prefix keeps a name like "http:x" from being read as a URL.
  std::string url = "file:" + path.string();
  AVDictionary* open_options = options_owner.release();
  int ret = avformat_open_input(&raw, url.c_str(), nullptr, &open_options);
  options_owner.reset(open_options);
  // Out of memory says nothing about the file: never refuse it for that.
  if (ret == AVERROR(ENOMEM)) throw std::bad_alloc();
  if (ret < 0) throw Unprocessable("not an audio file");  // avformat freed `raw`
  InputFormatPtr format(raw);
  ret = avformat_find_stream_info(format.get(), nullptr);
  if (ret == AVERROR(ENOMEM)) throw std::bad_alloc();
  if (ret < 0) throw Unprocessable("not an audio file");
  return format;
}

// The single audio stream of `format` (cover pictures aside), the only one left undiscarded.
// Throws Error(kUnprocessable) when there is none or more than one.
AVStream* SelectAudioStream(AVFormatContext* format) {
  int audio_streams = 0;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    AVStream* st = format->streams[i];
    bool is_audio = st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO &&
                    !(st->disposition & AV_DISPOSITION_ATTACHED_PIC);
    if (is_audio) ++audio_streams;
    st->discard = AVDISCARD_ALL;
  }
  if (audio_streams == 0) throw Unprocessable("not an audio file");
  if (audio_streams > 1) {
    throw Unprocessable("file has " + std::to_string(audio_streams) +
                        " audio streams; upload a file with exactly one");
  }
  int index = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0) throw Unprocessable("not an audio file");
  AVStream* stream = format->streams[index];
  stream->discard = AVDISCARD_DEFAULT;
  return stream;
}

// Calls `progress` with the fraction decoded, at most once per percent: by samples against
// the declared length when there is one, else by the bytes read.
class ProgressReporter {
 public:
  ProgressReporter(const std::function<void(double)>& progress, std::int64_t expected_samples,
                   const AVFormatContext* format, std::int64_t file_size)
      : progress_(progress),
        expected_samples_(expected_samples),
        format_(format),
        file_size_(file_size) {}

  void ReportProgress(std::int64_t decoded) {
    double fraction = 0;
    if (expected_samples_ > 0) {
      fraction = static_cast<double>(decoded) / static_cast<double>(expected_samples_);
    } else if (format_->pb != nullptr && file_size_ > 0) {
      fraction = static_cast<double>(avio_tell(format_->pb)) / static_cast<double>(file_size_);
    }
    int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100);
    if (percent > reported_percent_) {
      reported_percent_ = percent;
      if (progress_) progress_(percent / 100.0);
    }
  }

 private:
  const std::function<void(double)>& progress_;
  std::int64_t expected_samples_;
  const AVFormatContext* format_;
  std::int64_t file_size_;
  int reported_percent_ = -1;
};

// One decoding pass over a stream: the decoder, the conversion of its frames to interleaved
// float at the source layout, and the counts that tell a damaged or too long file.
class FrameConsumer {
 public:
  using Sink = std::function<void(const float* samples, int frames)>;

  // Opens the decoder for `stream`, whose frames must stay at `sample_rate` and `channels`.
  // Throws Error(kUnprocessable, "not an audio file") when it cannot be opened.
  FrameConsumer(const AVStream& stream, AVChannelLayout& layout, int sample_rate, int channels,
                std::int64_t max_duration_ms, const Sink& sink)
      : layout_(layout),
        sample_rate_(sample_rate),
        channels_(channels),
        max_duration_ms_(max_duration_ms),
        max_samples_(max_duration_ms * static_cast<std::int64_t>(sample_rate) / 1000),
        sink_(sink),
        frame_(MakeFrame()) {
    const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
    decoder_.reset(avcodec_alloc_context3(codec));
    if (!decoder_) throw std::bad_alloc();
    CheckAv(avcodec_parameters_to_context(decoder_.get(), stream.codecpar), "decoder parameters");
    decoder_->pkt_timebase = stream.time_base;
    decoder_->thread_count = 1;
    AVDictionary* raw_options = nullptr;
    SetOption(&raw_options, "codec_whitelist", kCodecWhitelist);
    std::unique_ptr<AVDictionary, DictionaryDeleter> options(raw_options);
    raw_options = options.release();
    int ret = avcodec_open2(decoder_.get(), codec, &raw_options);
    options.reset(raw_options);
    if (ret == AVERROR(ENOMEM)) throw std::bad_alloc();
    if (ret < 0) throw Unprocessable("not an audio file");
  }

  // Decodes one packet of the stream (and unreferences it). Throws Error(kUnprocessable) when
  // too much of the stream has been undecodable or the audio exceeds the duration limit.
  void SendPacket(AVPacket* packet) {
    ++packets_;
    int ret = avcodec_send_packet(decoder_.get(), packet);
    av_packet_unref(packet);
    last_packet_failed_ = false;
    if (ret < 0 && ret != AVERROR(EAGAIN)) {
      last_packet_failed_ = true;
      ++errors_;
    } else {
      ReceiveFrames();
    }
    if (errors_ > kToleratedDecodeErrors + packets_ / 100) {
      throw Unprocessable("file is damaged: " + std::to_string(errors_) +
                          " blocks of audio could not be decoded");
    }
  }

  // Drains the decoder at the end of the data. Returns true when the last packet or the
  // drain failed to decode (the sign of a cut-off file).
  bool Finish() {
    bool ended_badly = last_packet_failed_;
    if (avcodec_send_packet(decoder_.get(), nullptr) >= 0) ReceiveFrames();
    return ended_badly || last_packet_failed_;
  }

  // Samples (per channel) handed to the sink so far.
  std::int64_t decoded() const { return decoded_; }

 private:
  void ReceiveFrames() {
    while (true) {
      int ret = avcodec_receive_frame(decoder_.get(), frame_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) {
        last_packet_failed_ = true;
        ++errors_;
        return;
      }
      ConsumeFrame();
      av_frame_unref(frame_.get());
    }
  }

  void ConsumeFrame() {
    if (frame_->sample_rate != sample_rate_ || frame_->ch_layout.nb_channels != channels_) {
      throw Unprocessable("the audio format changes in the middle of the file");
    }
    if (!converter_) {
      SwrContext* raw = nullptr;
      // Same layout in and out: this only converts the sample format to interleaved float.
      CheckAv(swr_alloc_set_opts2(&raw, &layout_, AV_SAMPLE_FMT_FLT, frame_->sample_rate, &layout_,
                                  static_cast<AVSampleFormat>(frame_->format), frame_->sample_rate,
                                  0, nullptr),
              "sample format converter");
      converter_.reset(raw);
      CheckAv(swr_init(converter_.get()), "sample format converter");
    }
    interleaved_.resize(static_cast<std::size_t>(frame_->nb_samples) * channels_);
    auto* out = reinterpret_cast<std::uint8_t*>(interleaved_.data());
    int frames =
        swr_convert(converter_.get(), &out, frame_->nb_samples,
                    const_cast<const std::uint8_t**>(frame_->extended_data), frame_->nb_samples);
    CheckAv(frames, "sample format conversion");
    decoded_ += frames;
    if (decoded_ > max_samples_) throw Unprocessable(TooLongReason(max_duration_ms_));
    if (frames > 0) sink_(interleaved_.data(), frames);
  }

  AVChannelLayout& layout_;  // non-const only for swr_alloc_set_opts2's signature
  int sample_rate_;
  int channels_;
  std::int64_t max_duration_ms_;
  std::int64_t max_samples_;
  const Sink& sink_;
  CodecContextPtr decoder_;
  FramePtr frame_;
  SwrPtr converter_;
  std::vector<float> interleaved_;
  std::int64_t decoded_ = 0;
  int packets_ = 0;
  int errors_ = 0;
  bool last_packet_failed_ = false;
};

}  // namespace

MediaInput::MediaInput(const std::filesystem::path& path, const MediaLimits& limits)
    : path_(path), limits_(limits) {
  file_size_ = NonEmptyFileSize(path);
  format_ = OpenUpload(path, limits);
  stream_ = SelectAudioStream(format_.get());
  ReadStreamParameters();
  CheckLimits();
  ReadTags();
}

void MediaInput::ReadStreamParameters() {
  const AVCodecParameters* par = stream_->codecpar;
  probe_.format_name = format_->iformat->name;
  probe_.codec_name = avcodec_get_name(par->codec_id);
  probe_.sample_rate = par->sample_rate;
  probe_.channels = par->ch_layout.nb_channels;
  // Checked before any decoder is looked up: the others are never opened on untrusted input.
  if (!IsAcceptedAudioCodec(par->codec_id)) {
    throw Unprocessable(UnsupportedCodecReason(par->codec_id));
  }
  if (probe_.sample_rate <= 0 || probe_.channels <= 0 ||
      avcodec_find_decoder(par->codec_id) == nullptr) {
    throw Unprocessable("not an audio file");
  }
  if (par->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&layout_, probe_.channels);
  } else if (av_channel_layout_copy(&layout_, &par->ch_layout) < 0) {
    throw std::bad_alloc();
  }
}

void MediaInput::CheckLimits() {
  if (probe_.channels > limits_.max_channels) {
    throw Unprocessable("too many channels (" + std::to_string(probe_.channels) +
                        "; the limit is " + std::to_string(limits_.max_channels) + ")");
  }
  if (probe_.sample_rate > limits_.max_sample_rate) {
    throw Unprocessable("sample rate " + std::to_string(probe_.sample_rate) + " Hz is above the " +
                        std::to_string(limits_.max_sample_rate) + " Hz limit");
  }
  std::int64_t declared_us = DeclaredDurationUs();
  probe_.duration_ms = declared_us < 0 ? 0 : declared_us / 1000;
  if (probe_.duration_ms > limits_.max_duration_ms) {
    // A header may simply lie about the length; say so rather than blame the length.
    CheckTail();
    throw Unprocessable(TooLongReason(limits_.max_duration_ms));
  }
}

MediaInput::~MediaInput() { av_channel_layout_uninit(&layout_); }

std::int64_t MediaInput::DeclaredDurationUs() const {
  if (stream_->duration != AV_NOPTS_VALUE && stream_->duration > 0) {
    return av_rescale_q(stream_->duration, stream_->time_base, AV_TIME_BASE_Q);
  }
  if (format_->duration != AV_NOPTS_VALUE && format_->duration > 0) return format_->duration;
  return -1;
}

bool MediaInput::DurationIsTrustworthy() const {
  // An estimate from the bitrate (an MP3 without a Xing header) is only a guess.
  return DeclaredDurationUs() > 0 &&
         format_->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE;
}

void MediaInput::ReadTags() {
  AudioTags& tags = probe_.tags;
  AVDictionary* format_tags = format_->metadata;
  AVDictionary* stream_tags = stream_->metadata;
  tags.title = Tag(format_tags, stream_tags, "title");
  tags.artist = Tag(format_tags, stream_tags, "artist");
  if (!tags.artist) tags.artist = Tag(format_tags, stream_tags, "album_artist");
  tags.album = Tag(format_tags, stream_tags, "album");
  tags.date = Tag(format_tags, stream_tags, "date");
  if (auto track = Tag(format_tags, stream_tags, "track"))
    tags.track_number = ParseTrackNumber(*track);

  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    const AVStream* st = format_->streams[i];
    if (!(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) continue;
    const AVPacket& picture = st->attached_pic;
    auto mime = CoverMime(st->codecpar->codec_id);
    if (!mime || picture.data == nullptr || picture.size <= 0 || picture.size > kMaxCoverBytes) {
      continue;
    }
    tags.cover_art.emplace(reinterpret_cast<const char*>(picture.data), picture.size);
    tags.cover_art_mime = *mime;
    break;
  }
}

void MediaInput::CheckTail() {
  if (!DurationIsTrustworthy()) return;
  std::int64_t declared_us = DeclaredDurationUs();
  if (declared_us < 4'000'000) return;  // too short for a seek to say anything
  std::int64_t target_us = declared_us - declared_us / 10;
  std::int64_t target = av_rescale_q(target_us, AV_TIME_BASE_Q, stream_->time_base);
  if (stream_->start_time != AV_NOPTS_VALUE) target += stream_->start_time;
  if (av_seek_frame(format_.get(), stream_->index, target, AVSEEK_FLAG_BACKWARD) < 0) return;
  // The seek may land well before the target (a sparse seek table): read forward to it, but
  // only so far, since a complete file gets there within seconds of packets.
  std::int64_t slack = av_rescale_q(std::min<std::int64_t>(2'000'000, declared_us / 10),
                                    AV_TIME_BASE_Q, stream_->time_base);
  PacketPtr packet = MakePacket();
  for (int read = 0; read < 20000; ++read) {
    int ret = av_read_frame(format_.get(), packet.get());
    if (ret < 0) throw Unprocessable("file is truncated");
    bool ours = packet->stream_index == stream_->index;
    std::int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    av_packet_unref(packet.get());
    if (ours && ts != AV_NOPTS_VALUE && ts >= target - slack) return;
  }
}

std::int64_t MediaInput::Decode(const std::function<void(const float*, int)>& sink,
                                const std::function<void(double)>& progress) {
  FrameConsumer consumer(*stream_, layout_, probe_.sample_rate, probe_.channels,
                         limits_.max_duration_ms, sink);
  const std::int64_t rate = probe_.sample_rate;
  const std::int64_t declared_us = DeclaredDurationUs();
  const std::int64_t expected_samples = declared_us > 0 ? declared_us * rate / 1'000'000 : 0;
  ProgressReporter reporter(progress, expected_samples, format_.get(), file_size_);

  PacketPtr packet = MakePacket();
  while (true) {
    int ret = av_read_frame(format_.get(), packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) throw Unprocessable("file is truncated");  // read error or damaged end
    if (packet->stream_index != stream_->index) {
      av_packet_unref(packet.get());
      continue;
    }
    consumer.SendPacket(packet.get());
    reporter.ReportProgress(consumer.decoded());
  }
  bool ended_badly = consumer.Finish();

  const std::int64_t decoded = consumer.decoded();
  if (decoded == 0) throw Unprocessable("not an audio file");
  if (ended_badly) throw Unprocessable("file is truncated");
  if (DurationIsTrustworthy()) {
    // Allow for rounding in headers and encoder padding; a real truncation is far larger.
    std::int64_t tolerance = std::max<std::int64_t>(rate, expected_samples / 50);
    if (decoded + tolerance < expected_samples) throw Unprocessable("file is truncated");
  }
  probe_.duration_ms = decoded * 1000 / rate;
  return decoded;
}

}  // namespace cadenza::ffmpeg
