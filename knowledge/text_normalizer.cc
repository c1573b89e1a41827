// Text normalisation for question matching; see text_normalizer.h.
#include "knowledge/text_normalizer.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace whyd {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Sorted so that lookups can binary-search.
template <size_t N>
bool InSortedList(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::binary_search(list.begin(), list.end(), word);
}

constexpr std::array<std::string_view, 96> kStopWords = {
    "a",      "about", "after",  "again", "also",  "am",     "an",     "and",    "any",
    "anyway", "are",   "as",     "at",    "be",    "been",   "being",  "but",    "by",
    "can",    "could", "did",    "do",    "does",  "doing",  "done",   "each",   "even",
    "for",    "from",  "got",    "had",   "has",   "have",   "he",     "her",    "here",
    "hers",   "him",   "his",    "how",   "i",     "if",     "im",     "in",     "into",
    "is",     "it",    "its",    "ive",   "just",  "may",    "me",     "might",  "must",
    "my",     "of",    "on",     "one",   "or",    "our",    "ours",   "please", "pls",
    "plz",    "q",     "quick",  "really", "she",  "should", "so",     "some",   "still",
    "than",   "that",  "the",    "their", "them",  "then",   "there",  "these",  "they",
    "this",   "those", "to",     "us",    "was",   "we",     "were",   "what",   "whats",
    "when",   "where", "which",  "who",   "why",   "would",
};

constexpr std::array<std::string_view, 54> kSmallTalkWords = {
    "afternoon", "agent", "all", "anybody", "anyone", "around", "bot", "bye",
    "chat", "cheers", "day", "evening", "everything", "fine", "good", "goodbye",
    "great", "hello", "help", "helpful", "hey", "hi", "hiya", "human",
    "live", "lol", "lot", "lots", "man", "morning", "much", "need",
    "nice", "no", "now", "ok", "okay", "person", "real", "somebody",
    "someone", "speak", "ta", "talk", "team", "thank", "thanks", "thankyou",
    "that", "thx", "very", "want", "yes", "you",
};

// Suffix rewrites that fold UK spelling into US spelling (applied first).
struct Rewrite {
  std::string_view from;
  std::string_view to;
};
constexpr std::array<Rewrite, 12> kSpellingFolds = {{
    {"isations", "ization"}, {"isation", "ization"}, {"ising", "izing"}, {"ised", "ized"},
    {"ises", "izes"},        {"iser", "izer"},       {"ise", "ize"},     {"ours", "ors"},
    {"our", "or"},           {"ogue", "og"},         {"lled", "led"},    {"lling", "ling"},
}};

}  // namespace

std::vector<std::string> SplitWords(std::string_view text, const SplitLimits& limits,
                                    bool* truncated, std::vector<bool>* capitalised) {
  std::vector<std::string> words;
  bool cut = false;
  bool sentence_start = true;   // at the start, or after . ! ? :
  bool current_capital = false;  // the word being read began with A-Z mid-sentence
  if (text.size() > limits.max_bytes) {
    text = text.substr(0, limits.max_bytes);
    cut = true;
  }
  std::string current;
  auto flush = [&] {
    if (!current.empty()) {
      if (words.size() < limits.max_tokens) {
        words.push_back(std::move(current));
        if (capitalised != nullptr) capitalised->push_back(current_capital);
      } else {
        cut = true;
      }
      current.clear();
      sentence_start = false;
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (current.empty()) current_capital = false;
      if (current.size() < limits.max_word_bytes) current.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      if (current.empty()) current_capital = !sentence_start;
      if (current.size() < limits.max_word_bytes) current.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == '\'' || c == '`') {
      // "can't" -> "cant": an apostrophe joins, it does not split.
    } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
                static_cast<unsigned char>(text[i + 2]) == 0x99)) {
      i += 2;  // typographic apostrophes U+2018/U+2019 join like '
    } else {
      flush();
      if (c == '.' || c == '!' || c == '?' || c == ':' || c == '"' || c == '(' || c == '-' || c == '\n') {
        sentence_start = true;
      }
    }
    if (words.size() >= limits.max_tokens && current.empty()) {
      // Keep scanning only to learn whether anything was cut.
      for (size_t j = i + 1; j < text.size(); ++j) {
        unsigned char d = static_cast<unsigned char>(text[j]);
        if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9')) {
          cut = true;
          break;
        }
      }
      break;
    }
  }
  flush();
  if (truncated != nullptr) *truncated = cut;
  return words;
}

std::string StemWord(std::string_view word) {
  std::string w(word);
  if (w.size() <= 3) return w;
  for (const Rewrite& r : kSpellingFolds) {
    if (w.size() >= r.from.size() + 2 && EndsWith(w, r.from)) {
      w.replace(w.size() - r.from.size(), r.from.size(), r.to);
      break;
    }
  }
  if (EndsWith(w, "centre")) w.replace(w.size() - 2, 2, "er");
  // Plurals and third person.
  if (w.size() > 4 && EndsWith(w, "ies")) {
    w.replace(w.size() - 3, 3, "y");
  } else if (w.size() > 4 && EndsWith(w, "sses")) {
    w.resize(w.size() - 2);
  } else if (w.size() > 3 && EndsWith(w, "s") && !EndsWith(w, "ss") && !EndsWith(w, "us") &&
             !EndsWith(w, "is")) {
    w.pop_back();
  }
  // Past and progressive forms.
  auto strip_verb_suffix = [&w](std::string_view suffix) {
    if (w.size() < suffix.size() + 3 || !EndsWith(w, suffix)) return false;
    std::string base = w.substr(0, w.size() - suffix.size());
    bool has_vowel = std::any_of(base.begin(), base.end(), IsVowel);
    if (!has_vowel) return false;
    // "stopped" -> "stop", but "called" keeps "call" (ll), "missed" keeps "miss".
    size_t n = base.size();
    if (n >= 2 && base[n - 1] == base[n - 2] && !IsVowel(base[n - 1]) && base[n - 1] != 'l' &&
        base[n - 1] != 's' && base[n - 1] != 'z' && base[n - 1] != 'f') {
      base.pop_back();
    }
    w = std::move(base);
    return true;
  };
  if (!strip_verb_suffix("ing")) strip_verb_suffix("ed");
  // A trailing silent e is dropped so that "archive" and "archiv(ed)" meet.
  if (w.size() > 4 && w.back() == 'e') w.pop_back();
  if (w.size() > 5 && EndsWith(w, "ly")) w.resize(w.size() - 2);
  return w;
}

bool IsStopWord(std::string_view word) { return InSortedList(kStopWords, word); }

bool IsSmallTalkWord(std::string_view word) { return InSortedList(kSmallTalkWords, word); }

int BoundedEditDistance(std::string_view a, std::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rolling rows for the optimal-string-alignment recurrence; words are
  // short, so the rows live on the stack unless a caller passes long text.
  constexpr int kStackRow = 64;
  std::array<int, kStackRow> stack_rows[3];
  std::vector<int> heap_rows;
  int* prev2 = stack_rows[0].data();
  int* prev = stack_rows[1].data();
  int* cur = stack_rows[2].data();
  if (m + 1 > kStackRow) {
    heap_rows.assign(3 * (m + 1), 0);
    prev2 = heap_rows.data();
    prev = prev2 + (m + 1);
    cur = prev + (m + 1);
  }
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

}  // namespace whyd
