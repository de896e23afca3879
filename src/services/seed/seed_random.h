#pragma once
// The synthetic catalogue's random numbers: a seeded generator whose sequence is the same on
// every platform and standard library (the std:: distributions are not specified bit for
// bit, so they are not used).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace cadenza::seed {

// xoshiro256** seeded through splitmix64.
class SeedRandom {
 public:
  explicit SeedRandom(std::uint64_t seed) {
    for (auto& word : state_) word = SplitMix(seed);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0.
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  // Uniform in [low, high].
  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(high - low) + 1));
  }
  bool Chance(double p) { return Unit() < p; }
  // Standard normal (Box-Muller).
  double Normal() {
    const double u = 1.0 - Unit();  // (0, 1]: log(0) is never taken
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * Unit());
  }
  // Pareto with minimum 1 and tail index `alpha`: P(X > x) = x^-alpha.
  double Pareto(double alpha) { return std::pow(1.0 - Unit(), -1.0 / alpha); }
  // An index in [0, weights.size()) with probability proportional to its weight.
  std::size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double at = Unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (at < weights[i]) return i;
      at -= weights[i];
    }
    return weights.size() - 1;
  }
  // `count` random bytes.
  std::string Bytes(std::size_t count) {
    std::string out(count, '\0');
    for (auto& c : out) c = static_cast<char>(Next() & 0xFF);
    return out;
  }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t SplitMix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4] = {};
};

}  // namespace cadenza::seed
