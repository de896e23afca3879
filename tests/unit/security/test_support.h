#pragma once
// Helpers for the security tests: a pinned clock and a scratch folder removed afterwards.
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "ports/clock.h"

namespace cadenza::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp now) { now_.store(now); }
  void Advance(Timestamp ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Timestamp> now_;
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cadenza-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cadenza::testing
