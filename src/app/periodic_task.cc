#include "app/periodic_task.h"

#include <spdlog/spdlog.h>

namespace cadenza::app {

PeriodicTask::PeriodicTask(std::string name, std::chrono::seconds interval, std::function<void()> fn)
    : name_(std::move(name)), interval_(interval), fn_(std::move(fn)), thread_([this] { Loop(); }) {}

PeriodicTask::~PeriodicTask() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  thread_.join();
}

void PeriodicTask::Loop() {
  MutexLock lock(mutex_);
  while (!stopping_) {
    lock.Unlock();
    try {
      fn_();
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name_, e.what());
    }
    lock.Lock();
    const auto deadline = std::chrono::steady_clock::now() + interval_;
    while (!stopping_ && wake_.WaitUntil(lock, deadline)) {
    }
  }
}

}  // namespace cadenza::app
