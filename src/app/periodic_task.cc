#include "app/periodic_task.h"

#include <spdlog/spdlog.h>

namespace cadenza::app {

PeriodicTask::PeriodicTask(std::string name, std::chrono::seconds interval, std::function<void()> fn)
    : name_(std::move(name)), interval_(interval), fn_(std::move(fn)), thread_([this] { Loop(); }) {}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicTask::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      fn_();
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name_, e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace cadenza::app
