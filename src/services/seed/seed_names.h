#pragma once
// Names for the synthetic catalogue: artists, albums and tracks in several languages and
// scripts (Latin with and without diacritics, Japanese, Chinese, Korean, Cyrillic, Greek,
// Arabic, Hebrew), some with apostrophes and punctuation, as real catalogues have.
#include <string>

#include "services/seed/seed_random.h"

namespace cadenza::seed {

enum class Language {
  kEnglish,
  kFrench,
  kGerman,
  kSpanish,
  kPortuguese,
  kNordic,
  kJapanese,
  kChinese,
  kKorean,
  kRussian,
  kGreek,
  kArabic,
  kHebrew,
};

// A language, weighted roughly like a western streaming catalogue (English most often).
Language PickLanguage(SeedRandom& random);
std::string ArtistName(SeedRandom& random, Language language);
std::string LabelName(SeedRandom& random);
std::string AlbumTitle(SeedRandom& random, Language language);
std::string TrackTitle(SeedRandom& random, Language language);

}  // namespace cadenza::seed
