#include "adapters/ffmpeg/av_handles.h"

#include <mutex>
#include <new>
#include <stdexcept>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace cadenza::ffmpeg {

FramePtr MakeFrame() {
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  return frame;
}

PacketPtr MakePacket() {
  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  return packet;
}

std::string AvErrorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

void CheckAv(int error, const char* what) {
  if (error < 0) throw std::runtime_error(std::string(what) + ": " + AvErrorText(error));
}

void QuietFfmpegLogs() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

}  // namespace cadenza::ffmpeg
