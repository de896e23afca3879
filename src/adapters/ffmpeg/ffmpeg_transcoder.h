#pragma once
#include <filesystem>
#include <functional>

#include "ports/transcoder.h"

namespace cadenza {

// Transcoder on FFmpeg 5.1's libraries and libebur128.
//
// Probe opens the upload with the "file" protocol only and the audio demuxers flac, wav,
// aiff, mp3, ogg, mov/mp4/m4a, matroska/webm and w64 (never hls, concat or anything that
// opens another file or URL), requires exactly one audio stream (cover pictures aside) in a
// whitelisted codec (FLAC, ALAC, PCM, MP3, AAC, Vorbis, Opus; codec_whitelist.h), and checks
// channels, sample rate and the declared duration against the limits.
//
// Transcode decodes once at the source rate, measures loudness on the source, resamples once
// per target rate (Opus 48 kHz; AAC and MP3 44.1 kHz for 44.1 kHz-family sources, else
// 48 kHz) to mono or stereo (more channels are downmixed), and encodes the renditions in
// parallel: one encoder thread per rendition, at most `options.threads` of them encoding at
// once. Audio streams through bounded queues, so memory does not grow with the track length
// (about 4 MB of queued audio per rendition at most). Work files go to
// work_dir/<renditionName>/: init.mp4 and seg-00000.m4s... for CMAF, <renditionName>.mp3 for
// MP3; a folder left by an earlier attempt is replaced.
//
// CMAF details: the track timescale is the output sample rate. Segment durations are the
// media-timeline durations in each fragment (what tfdt advances by), so the first segment
// includes the encoder's priming samples that the init segment's edit list skips;
// EncodedRendition::duration is the presented length (priming excluded), which is why the
// segments' sum exceeds it by that priming (1024 samples for AAC, 312 for Opus).
//
// Loudness of silence (or audio too short to gate) is reported as -70 LUFS with gain 0.
// Thread-safe: calls share no state.
class FfmpegTranscoder final : public Transcoder {
 public:
  FfmpegTranscoder();

  ProbeResult Probe(const std::filesystem::path& input, const MediaLimits& limits) override;
  TranscodeResult Transcode(const std::filesystem::path& input,
                            const std::filesystem::path& work_dir, const TranscodeOptions& options,
                            const std::function<void(double)>& progress) override;
};

}  // namespace cadenza
