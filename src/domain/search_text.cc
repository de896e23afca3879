#include "domain/search_text.h"

#include <array>
#include <cstdint>

namespace cadenza {
namespace {

// Replacements for U+00C0..U+00FF and U+0100..U+017F, one character per code point:
// ' ' separates, '&' is "ae", '^' is "th", '$' is "ss", '#' is "ij", '%' is "oe".
constexpr std::string_view kLatin1 =
    "aaaaaa&ceeeeiiiidnooooo ouuuuy^$aaaaaa&ceeeeiiiidnooooo ouuuuy^y";
constexpr std::string_view kLatinExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii##jjkkkllllllllllnnnnnnnnnoooooo%%"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
// U+01CD..U+01DC: the pinyin vowels with caron and the u with diaeresis and a tone.
constexpr std::string_view kPinyin = "aaiioouuuuuuuuuu";

enum class Kind { kLetter, kDrop, kSeparator, kPerCharacter };

struct Folded {
  Kind kind = Kind::kLetter;
  std::string text;  // kLetter and kPerCharacter: what to append
};

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at text[pos] and advances pos; kInvalid for a malformed byte.
char32_t Decode(std::string_view text, std::size_t& pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  int extra = lead < 0x80 ? 0 : lead >= 0xF0 && lead < 0xF5 ? 3 : lead >= 0xE0 ? 2
                                                             : lead >= 0xC2 ? 1 : -1;
  if (extra < 0 || (extra == 2 && lead >= 0xF0) || pos + extra >= text.size() + (extra == 0)) {
    ++pos;
    return kInvalid;
  }
  char32_t c = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return kInvalid;
    }
    c = (c << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr std::array<char32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
  if (c < kMin[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    ++pos;
    return kInvalid;
  }
  pos += extra + 1;
  return c;
}

bool IsPerCharacterScript(char32_t c) {
  return (c >= 0x0E00 && c <= 0x0EFF) ||    // Thai, Lao
         (c >= 0x1000 && c <= 0x109F) ||    // Myanmar
         (c >= 0x1100 && c <= 0x11FF) ||    // Hangul Jamo
         (c >= 0x1780 && c <= 0x17FF) ||    // Khmer
         (c >= 0x3005 && c <= 0x3007) ||    // ideographic iteration and zero
         (c >= 0x3040 && c <= 0x30FF) ||    // Hiragana, Katakana
         (c >= 0x3130 && c <= 0x318F) ||    // Hangul compatibility Jamo
         (c >= 0x31F0 && c <= 0x31FF) ||    // Katakana extensions
         (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||    // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||    // halfwidth Katakana
         (c >= 0x20000 && c <= 0x3FFFF);    // CJK extensions B and later
}

bool IsDropped(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) ||  // combining diacritical marks
         c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E) ||  // Thai
         (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF ||  // zero-width
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0000 && c <= 0xE007F) ||
         // apostrophes: "don't" is one word
         c == '\'' || c == '`' || c == 0x00B4 || c == 0x02BC || c == 0x2018 || c == 0x2019 ||
         c == 0x2032 || c == 0xFF07;
}

bool IsSeparator(char32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));  // after lowering
  return c == kInvalid || (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
         (c >= 0x02B0 && c <= 0x02FF) || c == 0x037E || c == 0x0387 ||
         (c >= 0x055A && c <= 0x055F) || c == 0x0589 || c == 0x05BE || c == 0x05C0 ||
         c == 0x05C3 || c == 0x060C || c == 0x061B || c == 0x061F || c == 0x06D4 ||
         (c >= 0x0964 && c <= 0x0965) || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x3004) ||
         (c >= 0x3008 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE6F) ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
         (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FAFF);
}

std::string ExpandMarker(char marker) {
  switch (marker) {
    case '&': return "ae";
    case '^': return "th";
    case '$': return "ss";
    case '#': return "ij";
    case '%': return "oe";
    default: return std::string(1, marker);
  }
}

// Lower case and without diacritics; other code points are returned unchanged.
char32_t LowerGreekCyrillic(char32_t c) {
  switch (c) {
    case 0x0386: case 0x03AC: return 0x03B1;  // alpha
    case 0x0388: case 0x03AD: return 0x03B5;  // epsilon
    case 0x0389: case 0x03AE: return 0x03B7;  // eta
    case 0x038A: case 0x03AF: case 0x03AA: case 0x03CA: case 0x0390: return 0x03B9;  // iota
    case 0x038C: case 0x03CC: return 0x03BF;  // omicron
    case 0x038E: case 0x03CD: case 0x03AB: case 0x03CB: case 0x03B0: return 0x03C5;  // upsilon
    case 0x038F: case 0x03CE: return 0x03C9;  // omega
    case 0x03C2: return 0x03C3;               // final sigma
    case 0x0401: case 0x0451: return 0x0435;  // io -> ie
    default: break;
  }
  if (c >= 0x0391 && c <= 0x03A9) return c + 0x20;
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (c >= 0x0460 && c <= 0x04FF && c % 2 == 0 && c != 0x0482 && !(c >= 0x0483 && c <= 0x0489)) {
    return c + 1;  // Cyrillic supplement: upper case letters are the even code points
  }
  return c;
}

Folded Fold(char32_t c) {
  if (IsDropped(c)) return {Kind::kDrop, {}};
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c >= 0xFF21 && c <= 0xFF3A) c = c - 0xFF21 + 'a';  // fullwidth forms
  if (c >= 0xFF41 && c <= 0xFF5A) c = c - 0xFF41 + 'a';
  if (c >= 0xFF10 && c <= 0xFF19) c = c - 0xFF10 + '0';
  if (IsSeparator(c)) return {Kind::kSeparator, {}};
  if (IsPerCharacterScript(c)) {
    Folded out{Kind::kPerCharacter, {}};
    AppendUtf8(out.text, c);
    return out;
  }
  std::string_view table;
  char32_t base = 0;
  if (c >= 0xC0 && c <= 0xFF) table = kLatin1, base = 0xC0;
  if (c >= 0x100 && c <= 0x17F) table = kLatinExtendedA, base = 0x100;
  if (c >= 0x1CD && c <= 0x1DC) table = kPinyin, base = 0x1CD;
  if (!table.empty()) {
    char marker = table[c - base];
    if (marker == ' ') return {Kind::kSeparator, {}};
    return {Kind::kLetter, ExpandMarker(marker)};
  }
  switch (c) {
    case 0x0218: case 0x0219: return {Kind::kLetter, "s"};  // comma below
    case 0x021A: case 0x021B: return {Kind::kLetter, "t"};
    case 0x01A0: case 0x01A1: return {Kind::kLetter, "o"};  // horn
    case 0x01AF: case 0x01B0: return {Kind::kLetter, "u"};
    case 0x0180: case 0x0181: return {Kind::kLetter, "b"};
    case 0x0189: case 0x018A: return {Kind::kLetter, "d"};
    case 0x0197: case 0x0268: return {Kind::kLetter, "i"};
    default: break;
  }
  Folded out{Kind::kLetter, {}};
  AppendUtf8(out.text, LowerGreekCyrillic(c));
  return out;
}

}  // namespace

std::vector<SearchTerm> SearchTerms(std::string_view text) {
  std::vector<SearchTerm> terms;
  std::string word;
  bool in_run = false;  // the last token was per-character, with no separator since
  auto flush_word = [&] {
    if (!word.empty()) terms.push_back(SearchTerm{{std::move(word)}, false});
    word.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    Folded folded = Fold(Decode(text, pos));
    switch (folded.kind) {
      case Kind::kDrop:
        break;
      case Kind::kSeparator:
        flush_word();
        in_run = false;
        break;
      case Kind::kPerCharacter:
        flush_word();
        if (!in_run) terms.push_back(SearchTerm{{}, true});
        terms.back().tokens.push_back(std::move(folded.text));
        in_run = true;
        break;
      case Kind::kLetter:
        in_run = false;
        word += folded.text;
        break;
    }
  }
  flush_word();
  return terms;
}

std::string FoldForSearch(std::string_view text) {
  std::string out;
  for (const SearchTerm& term : SearchTerms(text)) {
    for (const std::string& token : term.tokens) {
      if (!out.empty()) out += ' ';
      out += token;
    }
  }
  return out;
}

std::size_t CodePointCount(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) Decode(text, pos);
  return count;
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  std::u32string x;
  std::u32string y;
  for (std::size_t pos = 0; pos < a.size();) x += Decode(a, pos);
  for (std::size_t pos = 0; pos < b.size();) y += Decode(b, pos);
  if (x.size() > y.size()) std::swap(x, y);
  if (y.size() - x.size() > 1) return false;
  std::size_t i = 0;
  while (i < x.size() && x[i] == y[i]) ++i;
  if (i == x.size()) return true;  // equal, or one appended at the end
  if (x.size() < y.size()) return x.substr(i) == y.substr(i + 1);  // one inserted
  if (x.substr(i + 1) == y.substr(i + 1)) return true;               // one substituted
  return i + 1 < x.size() && x[i] == y[i + 1] && x[i + 1] == y[i] &&  // neighbours swapped
         x.substr(i + 2) == y.substr(i + 2);
}

}  // namespace cadenza
