#include "services/seed/seed_names.h"

#include <vector>

namespace cadenza::seed {
namespace {

using Words = std::vector<std::string>;

struct Vocabulary {
  Words given;   // people's first names
  Words family;  // family names
  Words words;   // nouns and adjectives for titles and band names
  bool spaced;   // words are separated by spaces (not in Japanese or Chinese)
};

const Vocabulary& VocabularyOf(Language language) {
  static const std::vector<Vocabulary> kVocabularies = {
      {{"Jack", "Emily", "Noah", "Grace", "Oscar", "Ruby", "Leo", "Hannah", "Sam", "Olivia"},
       {"Miller", "Brooks", "Hayes", "Turner", "O'Brien", "Walsh", "Carter", "Reed", "Fox"},
       {"Midnight", "Velvet", "Thunder", "Golden", "River", "Echo", "Wild", "Neon", "Heart",
        "Ghost", "Summer", "Broken", "Silver", "Fire", "Dream", "Lonely", "Electric", "Rain"},
       true},
      {{"Amélie", "Étienne", "Chloé", "Théo", "Léa", "François", "Zoé", "Noël"},
       {"Lefèvre", "Dubois", "Moreau", "Girard", "Faure", "Rousseau", "Mercier"},
       {"Rêve", "Lumière", "Cœur", "Éternité", "Été", "Nuit", "Mélodie", "Forêt", "Château",
        "Fièvre", "Déjà", "Bientôt"},
       true},
      {{"Jürgen", "Käthe", "Sören", "Grete", "Lukas", "Jörg", "Anneliese"},
       {"Müller", "Schröder", "Weiß", "Köhler", "Groß", "Bäcker", "Fuchs"},
       {"Straße", "Träume", "Schön", "Grün", "Kraftwerk", "Nacht", "Stürme", "Glück", "Licht",
        "Über", "Herz", "Zeitgeist"},
       true},
      {{"José", "María", "Inés", "Ramón", "Lucía", "Jesús", "Begoña", "Andrés"},
       {"Peña", "García", "Muñoz", "Núñez", "Ibáñez", "López", "Ortiz"},
       {"Corazón", "Canción", "Mañana", "Niño", "Sueño", "Fuego", "Pasión", "Luna", "Ilusión",
        "Alegría", "Señor", "Olvidé"},
       true},
      {{"João", "Conceição", "Tomás", "Inês", "Gonçalo", "Sebastião", "Lígia"},
       {"Simões", "Gonçalves", "Magalhães", "Araújo", "Brandão", "Conceição"},
       {"Saudade", "Coração", "Canção", "Ilusão", "Mãe", "Céu", "Solidão", "Pôr do Sol",
        "Estação", "Lá"},
       true},
      {{"Björk", "Åsa", "Søren", "Sigurður", "Ingrid", "Øystein", "Märta", "Jón"},
       {"Guðmundsdóttir", "Ærøe", "Åkesson", "Sørensen", "Lindqvist", "Þórsson", "Öberg"},
       {"Hjärta", "Mörkret", "Ljós", "Sjø", "Vinter", "Fjällen", "Drømmen", "Ísland",
        "Motörhead", "Sigur"},
       true},
      {{"ゆい", "さくら", "ハルカ", "健太", "美咲", "翔太"},
       {"山田", "佐藤", "鈴木", "高橋", "中村", "小林"},
       {"夜空", "さくら", "ノスタルジア", "夢", "青春", "東京", "ひかり", "涙", "メロディー",
        "星屑", "ロック", "未来"},
       false},
      {{"伟", "芳", "娜", "静", "杰", "磊"},
       {"王", "李", "张", "刘", "陈", "周"},
       {"月亮", "青春", "梦想", "夜晚", "思念", "星空", "长城", "爱情", "远方", "春天"},
       false},
      {{"지민", "서연", "민준", "하은", "도윤", "수아"},
       {"김", "이", "박", "최", "정", "강"},
       {"사랑", "하늘", "별빛", "여름", "바다", "꿈", "우리", "밤", "눈물", "시간"},
       true},
      {{"Алексей", "Наталья", "Дмитрий", "Юлия", "Сергей", "Ксения"},
       {"Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева"},
       {"Звезда", "Кино", "Ночь", "Весна", "Любовь", "Город", "Ветер", "Мечта", "Лето",
        "Дорога"},
       true},
      {{"Γιώργος", "Ελένη", "Νίκος", "Μαρία", "Δημήτρης", "Σοφία"},
       {"Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Νικολάου", "Αλεξίου"},
       {"Θάλασσα", "Αγάπη", "Ήλιος", "Νύχτα", "Όνειρο", "Καρδιά", "Φως", "Ζωή"},
       true},
      {{"محمد", "فاطمة", "أحمد", "ليلى", "يوسف", "نور"},
       {"الحسيني", "منصور", "خليل", "حداد", "سليمان"},
       {"حبيبي", "القمر", "الليل", "أمل", "قلبي", "بحر", "سماء", "حنين"},
       true},
      {{"נועה", "יונתן", "תמר", "אורי", "מאיה", "איתי"},
       {"כהן", "לוי", "מזרחי", "פרץ", "ביטון"},
       {"אהבה", "לילה", "שמש", "ים", "חלום", "ירושלים", "אור", "שיר"},
       true},
  };
  return kVocabularies[static_cast<std::size_t>(language)];
}

std::string Join(const Vocabulary& v, const std::string& a, const std::string& b) {
  return v.spaced ? a + " " + b : a + b;
}

std::string Person(SeedRandom& random, const Vocabulary& v, Language language) {
  // Family name first where that is the custom.
  const bool family_first = language == Language::kJapanese || language == Language::kChinese ||
                            language == Language::kKorean;
  const std::string& given = random.Pick(v.given);
  const std::string& family = random.Pick(v.family);
  if (family_first) return language == Language::kKorean ? family + given : family + " " + given;
  return given + " " + family;
}

// ASCII letters in upper case (English words only, so no multi-byte character is split).
std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

// English band names with the punctuation real ones carry (AC/DC, Guns N' Roses, Mr. ...).
std::string PunctuatedEnglishName(SeedRandom& random, const Vocabulary& v) {
  const std::string& a = random.Pick(v.words);
  const std::string& b = random.Pick(v.words);
  switch (random.Below(6)) {
    case 0: return Upper(a.substr(0, 2)) + "/" + Upper(b.substr(0, 2));  // AC/DC
    case 1: return a + " N' " + b + "s";
    case 2: return "Mr. " + a;
    case 3: return a + " & the " + b + "s";
    case 4: return a + "!";
    default: return "The " + a + "-" + b + " Band";
  }
}

std::string EnglishPhrase(SeedRandom& random, const Vocabulary& v) {
  static const Words kOpenings = {"Don't Stop", "I'm", "Can't Forget", "We're", "You're",
                                  "Rock 'n' Roll", "It's", "Ain't No"};
  const std::string& word = random.Pick(v.words);
  switch (random.Below(5)) {
    case 0: return random.Pick(kOpenings) + " " + word;
    case 1: return word + " (Part " + std::string(random.Chance(0.5) ? "II" : "I") + ")";
    case 2: return word + "? Maybe.";
    case 3: return word + ", " + random.Pick(v.words) + " & Me";
    default: return word + " - Live";
  }
}

}  // namespace

Language PickLanguage(SeedRandom& random) {
  static const std::vector<double> kWeights = {40, 6, 6, 7, 4, 4, 7, 6, 5, 5, 3, 4, 3};
  return static_cast<Language>(random.Weighted(kWeights));
}

std::string ArtistName(SeedRandom& random, Language language) {
  const Vocabulary& v = VocabularyOf(language);
  if (language == Language::kEnglish && random.Chance(0.2)) {
    return PunctuatedEnglishName(random, v);
  }
  switch (random.Below(3)) {
    case 0: return Person(random, v, language);
    case 1: return language == Language::kEnglish ? "The " + random.Pick(v.words) + "s"
                                                  : random.Pick(v.words);
    default: return Join(v, random.Pick(v.words), random.Pick(v.words));
  }
}

std::string LabelName(SeedRandom& random) {
  static const Words kKinds = {"Records", "Music", "Recordings", "Sound", "Disques", "Schallplatten"};
  const Vocabulary& v = VocabularyOf(static_cast<Language>(random.Below(6)));
  return random.Pick(v.words) + " " + random.Pick(kKinds);
}

std::string AlbumTitle(SeedRandom& random, Language language) {
  // Artists often title in English whatever their language.
  if (language != Language::kEnglish && random.Chance(0.2)) language = Language::kEnglish;
  const Vocabulary& v = VocabularyOf(language);
  if (language == Language::kEnglish && random.Chance(0.25)) return EnglishPhrase(random, v);
  if (random.Chance(0.4)) return random.Pick(v.words);
  return Join(v, random.Pick(v.words), random.Pick(v.words));
}

std::string TrackTitle(SeedRandom& random, Language language) {
  if (language != Language::kEnglish && random.Chance(0.25)) language = Language::kEnglish;
  const Vocabulary& v = VocabularyOf(language);
  if (language == Language::kEnglish && random.Chance(0.3)) return EnglishPhrase(random, v);
  if (random.Chance(0.3)) return random.Pick(v.words);
  std::string title = Join(v, random.Pick(v.words), random.Pick(v.words));
  if (random.Chance(0.1)) title += " (" + random.Pick(v.words) + ")";
  return title;
}

}  // namespace cadenza::seed
