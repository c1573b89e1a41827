// Text normalisation for question matching; see text_normalizer.h.
#include "knowledge/text_normalizer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace whyd {
namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// A sorted word list indexed by first letter: a lookup compares only the few
// words of the same first letter, by length first, instead of binary
// searching the whole list with string comparisons. Every word of a list
// starts with a-z (checked at compile time), so anything else is absent.
template <size_t N>
class WordTable {
 public:
  constexpr explicit WordTable(const std::array<std::string_view, N>& words) : words_(words) {
    size_t w = 0;
    for (int c = 0; c <= 26; ++c) {
      while (w < N && words_[w][0] - 'a' < c) ++w;
      first_[c] = static_cast<uint8_t>(w);
    }
  }
  bool Contains(std::string_view word) const {
    if (word.empty() || word[0] < 'a' || word[0] > 'z') return false;
    const int c = word[0] - 'a';
    for (size_t i = first_[c]; i < first_[c + 1]; ++i) {
      if (words_[i] == word) return true;
    }
    return false;
  }

 private:
  std::array<std::string_view, N> words_;
  std::array<uint8_t, 27> first_{};
};

template <size_t N>
constexpr bool IsSortedLowercaseList(const std::array<std::string_view, N>& list) {
  for (size_t i = 0; i < N; ++i) {
    if (list[i].empty() || list[i][0] < 'a' || list[i][0] > 'z') return false;
    if (i > 0 && !(list[i - 1] < list[i])) return false;
  }
  return N < 256;
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

static_assert(IsSortedLowercaseList(kStopWords));
static_assert(IsSortedLowercaseList(kSmallTalkWords));
constexpr WordTable<kStopWords.size()> kStopWordTable(kStopWords);
constexpr WordTable<kSmallTalkWords.size()> kSmallTalkWordTable(kSmallTalkWords);

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

bool SplitWordSpans(std::string_view text, const SplitLimits& limits, std::string* chars,
                    std::vector<WordSpan>* words) {
  words->clear();
  bool cut = false;
  bool sentence_start = true;   // at the start, or after . ! ? :
  bool current_capital = false;  // the word being read began with A-Z mid-sentence
  if (text.size() > limits.max_bytes) {
    text = text.substr(0, limits.max_bytes);
    cut = true;
  }
  // Each byte gives at most one char: write them through a pointer into
  // room for all, and trim at the end.
  chars->resize(text.size());
  char* const out = chars->data();
  size_t used = 0;
  size_t word_count = 0;
  // The word being read is out[start, start + length).
  size_t start = 0;
  size_t length = 0;
  auto flush = [&] {
    if (length != 0) {
      if (word_count < limits.max_tokens) {
        words->push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(length), current_capital});
        ++word_count;
      } else {
        cut = true;
        used = start;
      }
      start = used;
      length = 0;
      sentence_start = false;
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (length == 0) current_capital = false;
      if (length < limits.max_word_bytes) {
        out[used++] = static_cast<char>(c);
        ++length;
      }
    } else if (c >= 'A' && c <= 'Z') {
      if (length == 0) current_capital = !sentence_start;
      if (length < limits.max_word_bytes) {
        out[used++] = static_cast<char>(c - 'A' + 'a');
        ++length;
      }
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
    if (word_count >= limits.max_tokens && length == 0) {
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
  chars->resize(used);
  return cut;
}

std::vector<std::string> SplitWords(std::string_view text, const SplitLimits& limits,
                                    bool* truncated, std::vector<bool>* capitalised) {
  std::string chars;
  std::vector<WordSpan> spans;
  const bool cut = SplitWordSpans(text, limits, &chars, &spans);
  std::vector<std::string> words;
  words.reserve(spans.size());
  for (const WordSpan& span : spans) {
    words.emplace_back(chars, span.offset, span.size);
    if (capitalised != nullptr) capitalised->push_back(span.capitalised);
  }
  if (truncated != nullptr) *truncated = cut;
  return words;
}

namespace {

// The stemming steps of StemWord, in place on w[0, n): every step keeps or
// shortens the word, so the buffer never grows. Returns the stem's length.
size_t StemInPlace(char* w, size_t n) {
  auto ends = [&](std::string_view suffix) {
    return n >= suffix.size() && std::string_view(w + n - suffix.size(), suffix.size()) == suffix;
  };
  if (n <= 3) return n;
  for (const Rewrite& r : kSpellingFolds) {
    if (n >= r.from.size() + 2 && ends(r.from)) {
      n -= r.from.size();
      std::copy(r.to.begin(), r.to.end(), w + n);
      n += r.to.size();
      break;
    }
  }
  if (ends("centre")) {
    w[n - 2] = 'e';
    w[n - 1] = 'r';
  }
  // Plurals and third person.
  if (n > 4 && ends("ies")) {
    n -= 3;
    w[n++] = 'y';
  } else if (n > 4 && ends("sses")) {
    n -= 2;
  } else if (n > 3 && ends("s") && !ends("ss") && !ends("us") && !ends("is")) {
    --n;
  }
  // Past and progressive forms.
  auto strip_verb_suffix = [&](std::string_view suffix) {
    if (n < suffix.size() + 3 || !ends(suffix)) return false;
    size_t base = n - suffix.size();
    if (std::none_of(w, w + base, IsVowel)) return false;
    // "stopped" -> "stop", but "called" keeps "call" (ll), "missed" keeps "miss".
    if (base >= 2 && w[base - 1] == w[base - 2] && !IsVowel(w[base - 1]) && w[base - 1] != 'l' &&
        w[base - 1] != 's' && w[base - 1] != 'z' && w[base - 1] != 'f') {
      --base;
    }
    n = base;
    return true;
  };
  if (!strip_verb_suffix("ing")) strip_verb_suffix("ed");
  // A trailing silent e is dropped so that "archive" and "archiv(ed)" meet.
  if (n > 4 && w[n - 1] == 'e') --n;
  if (n > 5 && ends("ly")) n -= 2;
  return n;
}

}  // namespace

std::string StemWord(std::string_view word) {
  std::string w(word);
  w.resize(StemInPlace(w.data(), w.size()));
  return w;
}

void AppendStem(std::string_view word, std::string* out) {
  const size_t at = out->size();
  out->append(word);
  out->resize(at + StemInPlace(out->data() + at, word.size()));
}

bool IsStopWord(std::string_view word) { return kStopWordTable.Contains(word); }

bool IsSmallTalkWord(std::string_view word) { return kSmallTalkWordTable.Contains(word); }

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
