#include "adapters/ffmpeg/ffmpeg_transcoder.h"

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <stdexcept>
#include <thread>
#include <vector>

#include "adapters/ffmpeg/loudness_meter.h"
#include "adapters/ffmpeg/media_input.h"
#include "adapters/ffmpeg/pcm_chunk.h"
#include "adapters/ffmpeg/rendition_encoder.h"
#include "adapters/ffmpeg/resampler.h"

namespace cadenza {
namespace {

using ffmpeg::ChunkQueue;
using ffmpeg::PcmChunkPtr;

// Frames handed to the resamplers at a time (~0.17 s at 48 kHz): large enough that queue
// traffic is negligible, small enough that the queues stay small.
constexpr int kBlockFrames = 8192;
// Chunks an encoder may fall behind the decoder: 24 x 8192 stereo float frames ~ 1.5 MB.
constexpr std::size_t kQueueChunks = 24;
constexpr int kMaxThreads = 64;

// One rendition's encoder, fed by its queue on its own thread. Joins on destruction, so an
// exception anywhere never leaves a thread running.
class EncoderWorker {
 public:
  EncoderWorker(std::unique_ptr<ffmpeg::RenditionEncoder> encoder,
                std::counting_semaphore<kMaxThreads>& slots)
      : encoder_(std::move(encoder)), queue_(kQueueChunks), slots_(slots) {}
  ~EncoderWorker() {
    queue_.Abort();
    if (thread_.joinable()) thread_.join();
  }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  ChunkQueue& queue() { return queue_; }
  // Waits for the thread; rethrows its failure or returns its rendition.
  EncodedRendition Join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(error_);
    return std::move(result_);
  }
  bool failed() const { return queue_.aborted(); }

 private:
  // Holds one of the `threads` slots while it works, so at most that many encode at once.
  struct Slot {
    explicit Slot(std::counting_semaphore<kMaxThreads>& s) : sem(s) { sem.acquire(); }
    ~Slot() { sem.release(); }
    std::counting_semaphore<kMaxThreads>& sem;
  };

  void Run() {
    try {
      while (PcmChunkPtr chunk = queue_.Pop()) {
        Slot slot(slots_);
        encoder_->Encode(*chunk);
      }
      if (queue_.aborted()) return;
      Slot slot(slots_);
      result_ = encoder_->Finish();
    } catch (...) {
      error_ = std::current_exception();
      queue_.Abort();  // unblocks the decoder, which then stops
    }
  }

  std::unique_ptr<ffmpeg::RenditionEncoder> encoder_;
  ChunkQueue queue_;
  std::counting_semaphore<kMaxThreads>& slots_;
  std::thread thread_;
  std::exception_ptr error_;
  EncodedRendition result_;
};

struct RateGroup {
  std::unique_ptr<ffmpeg::Resampler> resampler;
  std::vector<EncoderWorker*> workers;
};

// The renditions' workers and, per target sample rate, the resampler that feeds them. The
// groups point into `workers`, so they are declared (and destroyed) after it.
struct EncoderSet {
  std::vector<std::unique_ptr<EncoderWorker>> workers;
  std::map<int, RateGroup> groups;  // by target sample rate
};

// How many renditions may encode at once: options.threads, or one per core when it is 0.
int EncodingThreads(const TranscodeOptions& options) {
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::clamp(threads, 1, kMaxThreads);
}

// Creates one (not yet started) encoder worker per rendition, writing to
// work_dir/<renditionName>/, and one resampler per target rate. Throws std::invalid_argument
// for a rendition listed twice.
EncoderSet MakeEncoders(const ffmpeg::MediaInput& media, const std::filesystem::path& work_dir,
                        const TranscodeOptions& options,
                        std::counting_semaphore<kMaxThreads>& slots) {
  // Every rendition is stereo: mono sources are duplicated to both channels, so all variants of
  // a track switch seamlessly, and every encoder accepts the nominal bitrate (libopus refuses
  // 320 kbps on one channel).
  const int out_channels = 2;

  EncoderSet set;
  for (const RenditionSpec& spec : options.renditions) {
    if (std::count(options.renditions.begin(), options.renditions.end(), spec) > 1) {
      throw std::invalid_argument("rendition listed twice: " + RenditionName(spec));
    }
    int rate = ffmpeg::TargetSampleRate(spec.codec, media.sample_rate());
    auto encoder = std::make_unique<ffmpeg::RenditionEncoder>(
        spec, rate, out_channels, work_dir / RenditionName(spec), options.segment_seconds);
    set.workers.push_back(std::make_unique<EncoderWorker>(std::move(encoder), slots));
    RateGroup& group = set.groups[rate];
    if (!group.resampler) {
      group.resampler = std::make_unique<ffmpeg::Resampler>(media.layout(), media.sample_rate(),
                                                            out_channels, rate);
    }
    group.workers.push_back(set.workers.back().get());
  }
  return set;
}

// Gathers decoded audio into blocks of kBlockFrames, measures each block's loudness and hands
// it, resampled, to every encoder at each target rate. Throws std::runtime_error("encoder
// stopped") once one of the encoders failed.
class BlockFanOut {
 public:
  BlockFanOut(std::map<int, RateGroup>& groups, ffmpeg::LoudnessMeter& meter, int channels)
      : groups_(groups), meter_(meter), channels_(channels) {
    block_.reserve(static_cast<std::size_t>(kBlockFrames) * channels);
  }

  void Add(const float* samples, int frames) {
    block_.insert(block_.end(), samples, samples + static_cast<std::size_t>(frames) * channels_);
    if (block_.size() >= static_cast<std::size_t>(kBlockFrames) * channels_) FlushBlock();
  }

  // Sends the last, partial block and what the resamplers still hold.
  void Finish() {
    FlushBlock();
    for (auto& [rate, group] : groups_) Send(group, group.resampler->Flush());
  }

 private:
  void FlushBlock() {
    int frames = static_cast<int>(block_.size() / channels_);
    if (frames == 0) return;
    meter_.Add(block_.data(), frames);
    for (auto& [rate, group] : groups_)
      Send(group, group.resampler->Convert(block_.data(), frames));
    block_.clear();
  }

  static void Send(RateGroup& group, const PcmChunkPtr& chunk) {
    if (chunk->frames == 0) return;
    for (EncoderWorker* worker : group.workers) {
      if (!worker->queue().Push(chunk)) throw std::runtime_error("encoder stopped");
    }
  }

  std::map<int, RateGroup>& groups_;
  ffmpeg::LoudnessMeter& meter_;
  int channels_;
  std::vector<float> block_;
};

}  // namespace

FfmpegTranscoder::FfmpegTranscoder() { ffmpeg::QuietFfmpegLogs(); }

ProbeResult FfmpegTranscoder::Probe(const std::filesystem::path& input, const MediaLimits& limits) {
  ffmpeg::MediaInput media(input, limits);
  media.CheckTail();
  return media.probe();
}

TranscodeResult FfmpegTranscoder::Transcode(const std::filesystem::path& input,
                                            const std::filesystem::path& work_dir,
                                            const TranscodeOptions& options,
                                            const std::function<void(double)>& progress) {
  ffmpeg::MediaInput media(input, options.limits);
  std::filesystem::create_directories(work_dir);

  std::counting_semaphore<kMaxThreads> slots(EncodingThreads(options));
  EncoderSet encoders = MakeEncoders(media, work_dir, options, slots);
  for (auto& worker : encoders.workers) worker->Start();

  ffmpeg::LoudnessMeter meter(media.layout(), media.sample_rate());
  BlockFanOut fan_out(encoders.groups, meter, media.channels());
  try {
    media.Decode([&](const float* samples, int frames) { fan_out.Add(samples, frames); }, progress);
    fan_out.Finish();
  } catch (...) {
    // An encoder's own failure explains an "encoder stopped" better; report that one.
    for (auto& worker : encoders.workers) {
      if (worker->failed()) worker->Join();
    }
    throw;  // the workers' destructors abort and join the rest
  }
  for (auto& worker : encoders.workers) worker->queue().Close();

  TranscodeResult result;
  result.renditions.reserve(encoders.workers.size());
  for (auto& worker : encoders.workers) result.renditions.push_back(worker->Join());
  result.probe = media.probe();
  result.loudness = meter.Result();
  if (progress) progress(1.0);
  return result;
}

}  // namespace cadenza
