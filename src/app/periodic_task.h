#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "base/mutex.h"

namespace cadenza::app {

// Runs `fn` every `interval` on a thread of its own (it may block: it is maintenance work such
// as blob garbage collection) until destroyed. Exceptions are logged, never propagated.
class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::seconds interval, std::function<void()> fn);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Loop();

  std::string name_;
  std::chrono::seconds interval_;
  std::function<void()> fn_;
  Mutex mutex_;
  CondVar wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace cadenza::app
