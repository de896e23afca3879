// `cadenza dev seed`: fills the configured catalogue with a synthetic one (services/seed/).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "app/commands.h"
#include "app/storage.h"
#include "app/storage_config.h"
#include "domain/error.h"
#include "services/seed/catalog_seed.h"

namespace cadenza::app {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kDayMs = 86400000;

// Days since 1970-01-01 of "YYYY-MM-DD" (H. Hinnant's days_from_civil); throws on other text.
std::int64_t DayOfDate(const std::string& date) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char tail = 0;
  if (date.size() != 10 ||
      std::sscanf(date.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail) != 3 || month < 1 ||
      month > 12 || day < 1 || day > 31) {
    throw std::runtime_error("--as-of must be a date YYYY-MM-DD, not " + date);
  }
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string Duration(double seconds) {
  const auto total = static_cast<long long>(seconds);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  return text;
}

// Progress on stderr: one line rewritten in place on a terminal, else a line every few
// seconds (logs and CI keep every line, so they should not get one per batch).
class ProgressLine {
 public:
  ProgressLine() : terminal_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

  void Update(const seed::SeedProgress& progress) {
    const auto now = Clock::now();
    const bool last = progress.tracks_done >= progress.tracks_total;
    if (!last && now - printed_ < (terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5))) return;
    printed_ = now;
    const double elapsed = Seconds();
    const double rate = elapsed > 0 ? static_cast<double>(progress.tracks_done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(progress.tracks_total - progress.tracks_done) / rate : 0;
    const double share = static_cast<double>(progress.tracks_done) / static_cast<double>(progress.tracks_total);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(share * kWidth);
    char line[160];
    std::snprintf(line, sizeof line, "[%s%s] %lld/%lld tracks %3.0f%%  %.0f tracks/s  ETA %s",
                  std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(),
                  static_cast<long long>(progress.tracks_done), static_cast<long long>(progress.tracks_total),
                  share * 100, rate, Duration(eta).c_str());
    std::cerr << (terminal_ ? "\r" : "") << line << (terminal_ && !last ? "" : "\n") << std::flush;
  }

  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  bool terminal_;
  Clock::time_point start_;
  Clock::time_point printed_{};
};

void MigrateCatalog(const Config& config) {
  if (config.database_url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) throw std::runtime_error("cannot create data directory " + config.data_dir.string() + ": " + ec.message());
  }
  OpenCatalog(config)->Migrate();
}

}  // namespace

int RunDevSeed(const Config& config, const SeedArgs& args) {
  seed::SeedOptions options;
  options.tracks = args.tracks;
  options.random_seed = args.random_seed;
  options.force = args.force;
  const std::int64_t today = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count() / kDayMs;
  // The end of the as-of day, so that the whole catalogue lies before it.
  options.as_of = ((args.as_of.empty() ? today : DayOfDate(args.as_of)) + 1) * kDayMs - 1;
  MigrateCatalog(config);
  auto seeder = OpenCatalogSeeder(config);
  ProgressLine progress;
  seed::SeedSummary summary;
  try {
    summary = seed::SeedCatalog(*seeder, options, [&](const seed::SeedProgress& p) { progress.Update(p); });
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kConflict) throw;
    std::cerr << "cadenza: " << e.what() << "\n";
    return 2;
  }
  const double seconds = progress.Seconds();
  const std::int64_t rows = summary.users + summary.artists + summary.albums + summary.tracks +
                            summary.daily_plays;
  std::cout << "seeded " << summary.tracks << " tracks, " << summary.albums << " albums, "
            << summary.artists << " artists, " << summary.users << " accounts (" << summary.labels
            << " labels), " << summary.daily_plays << " daily plays into "
            << (config.database_url.empty() ? config.DatabaseFile().string() : RedactedDatabaseUrl(config.database_url))
            << " in " << Duration(seconds) << " (" << static_cast<long long>(static_cast<double>(rows) / seconds)
            << " rows/s, " << static_cast<long long>(static_cast<double>(summary.tracks) / seconds)
            << " tracks/s)\n";
  return 0;
}

}  // namespace cadenza::app
