#pragma once
// How search text is normalised, shared by the index and the queries so that both sides fold
// the same way. Pure functions: no engine, no locale, no ICU.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza {

// Words of at least this many code points forgive one typo.
inline constexpr std::size_t kMinTypoWordChars = 5;

// One thing the listener typed: a word, or a run of a script written without spaces (CJK,
// Hangul, Thai ...) split into one token per character so that any part of the run can be
// found as a phrase of consecutive tokens (substring search).
struct SearchTerm {
  std::vector<std::string> tokens;  // folded, never empty, no spaces inside a token
  bool per_character = false;       // a run of a script without spaces
};

// Lower case (ASCII, Latin-1, Latin Extended-A and common Extended-B, Greek, Cyrillic,
// fullwidth forms), diacritics removed (precomposed letters and combining marks), apostrophes
// removed ("don't" -> "dont"), every other punctuation or symbol a separator, and each
// character of a script without spaces a token of its own. Tokens are joined by one space.
// Invalid UTF-8 bytes are separators. Never throws (but std::bad_alloc).
std::string FoldForSearch(std::string_view text);

// The terms of `text` after FoldForSearch, in order; empty when nothing searchable is left
// (only punctuation, say).
std::vector<SearchTerm> SearchTerms(std::string_view text);

// Code points in valid UTF-8 text (each invalid byte counts as one).
std::size_t CodePointCount(std::string_view text);

// True when `a` and `b` are at most one edit apart by code point: one insertion, deletion,
// substitution or swap of two neighbours (optimal string alignment distance <= 1).
bool WithinOneEdit(std::string_view a, std::string_view b);

}  // namespace cadenza
