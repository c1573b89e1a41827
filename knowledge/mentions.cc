// Mentions: see mentions.h.
//
// The phrase patterns of AboutOwnAccount and StatedPeriodDays are matched
// word by word on WordText, which is plain ASCII words between single spaces;
// the regular expressions they replace are kept in the comments (and in
// tests/knowledge/mentions_test.cc, which checks the two agree). SpeaksOfAsker
// reads ASCII questions itself and hands anything else to its regex, whose
// Unicode case folding it does not repeat.
//
// Thread-safety: the regexes are function-local statics (initialised
// thread-safely) and the word buffers are thread_local.
#include "knowledge/mentions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace whyd {
namespace {

std::string_view Capped(std::string_view question) {
  return question.substr(0, std::min(question.size(), kMaxMentionBytes));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ASCII only, as the C library's are in the "C" locale whyd runs in, and
// without a call per byte.
bool IsAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char ToLower(unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); }

// Lowercased, every run of non-alphanumeric ASCII (apart from apostrophes,
// which join) folded into one space, with a space at each end so that
// whole-word searches are plain substring searches of " word ". Written
// into *out (replacing it), so that a reused buffer needs no allocation.
void WordTextInto(std::string_view text, std::string* out_buffer) {
  // Each byte gives at most one char, and there are two edge spaces: write
  // through a pointer into room for all, and trim at the end.
  std::string& out = *out_buffer;
  out.resize(text.size() + 2);
  char* const o = out.data();
  size_t n = 0;
  o[n++] = ' ';
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsAlnum(c)) {
      o[n++] = ToLower(c);
      continue;
    }
    size_t apostrophe = 0;  // bytes of an apostrophe at i: ' or U+2019
    if (c == '\'') apostrophe = 1;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      apostrophe = 3;
    }
    if (apostrophe > 0) {
      // A possessive "'s" ends the word ("Jamie Smith's" names Jamie Smith);
      // any other apostrophe joins ("can't" -> "cant").
      size_t next = i + apostrophe;
      if (next < text.size() && (text[next] == 's' || text[next] == 'S') &&
          (next + 1 == text.size() || !IsAlnum(static_cast<unsigned char>(text[next + 1])))) {
        i = next;
      } else {
        i = next - 1;
      }
      continue;
    }
    if (o[n - 1] != ' ') o[n++] = ' ';
  }
  if (o[n - 1] != ' ') o[n++] = ' ';
  out.resize(n);
}

std::string WordText(std::string_view text) {
  std::string out;
  WordTextInto(text, &out);
  return out;
}

// The words of a WordText, as views into it.
void SplitWordText(std::string_view text, std::vector<std::string_view>* words) {
  words->clear();
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ') {
      if (i > start) words->push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
}

// The words of WordText(Capped(question)), in per-thread buffers that a
// call on the same thread for another question overwrites. An ask reads
// the same question for its own account and for a period, one after the
// other: the second call finds the words already there.
const std::vector<std::string_view>& QuestionWords(std::string_view question) {
  thread_local bool filled = false;
  thread_local std::string words_of;  // the capped question `words` are of
  thread_local std::string text;
  thread_local std::vector<std::string_view> words;
  const std::string_view capped = Capped(question);
  if (filled && capped == words_of) return words;
  words_of.assign(capped);
  WordTextInto(capped, &text);
  SplitWordText(text, &words);
  filled = true;
  return words;
}

bool OneOf(std::string_view word, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), word) != options.end();
}

// Whether the phrase pattern of AboutOwnAccount matches at word i:
//   " (?:my (?:own )?(?:account|login|log in|password|profile|username|user name|access|email|email address)"
//   "|(?:i|im|i am|ive|i have|i ve) (?:been |got |get |keep getting |am |was )?(?:locked|blocked)"
//   "|(?:locked|lock|locking|blocked|kicked|kick) me"
//   "|i (?:cant|cannot|can not|couldnt|am unable to|m unable to|dont seem to be able to) "
//   "(?:log|sign|get|access|login|signin)) "
// Every alternative is a sequence of whole words, so it matches where the
// words do; an optional or alternative part is tried each way.
bool OwnAccountAt(const std::vector<std::string_view>& words, size_t i) {
  auto at = [&words](size_t k) { return k < words.size() ? words[k] : std::string_view(); };
  const std::string_view first = at(i);
  if (first == "my") {
    // ("email address" starts with "email", which is enough.)
    auto thing = [&](size_t j) {
      return OneOf(at(j), {"account", "login", "password", "profile", "username", "access", "email"}) ||
             (at(j) == "log" && at(j + 1) == "in") || (at(j) == "user" && at(j + 1) == "name");
    };
    return thing(i + 1) || (at(i + 1) == "own" && thing(i + 2));
  }
  if (OneOf(first, {"locked", "lock", "locking", "blocked", "kicked", "kick"})) return at(i + 1) == "me";
  // "(i|im|i am|ive|i have|i ve) (been |got |get |keep getting |am |was )?(locked|blocked)"
  auto locked_from = [&](size_t j) {
    auto lock_word = [&](size_t k) { return at(k) == "locked" || at(k) == "blocked"; };
    if (lock_word(j)) return true;
    if (OneOf(at(j), {"been", "got", "get", "am", "was"}) && lock_word(j + 1)) return true;
    return at(j) == "keep" && at(j + 1) == "getting" && lock_word(j + 2);
  };
  if (first == "im" || first == "ive") return locked_from(i + 1);
  if (first != "i") return false;
  if (locked_from(i + 1)) return true;
  if (OneOf(at(i + 1), {"am", "have", "ve"}) && locked_from(i + 2)) return true;
  // "i (cant|cannot|can not|couldnt|am unable to|m unable to|dont seem to be able to) (log|...)"
  auto way_in = [&](size_t k) { return OneOf(at(k), {"log", "sign", "get", "access", "login", "signin"}); };
  const std::string_view second = at(i + 1);
  if (second == "cant" || second == "cannot" || second == "couldnt") return way_in(i + 2);
  if (second == "can") return at(i + 2) == "not" && way_in(i + 3);
  if (second == "am" || second == "m") return at(i + 2) == "unable" && at(i + 3) == "to" && way_in(i + 4);
  if (second == "dont") {
    return at(i + 2) == "seem" && at(i + 3) == "to" && at(i + 4) == "be" && at(i + 5) == "able" &&
           at(i + 6) == "to" && way_in(i + 7);
  }
  return false;
}

bool IsPeriodAmount(std::string_view word) {
  if (!word.empty() && word.size() <= 4 &&
      std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  return OneOf(word, {"a", "an", "the", "next", "this", "one", "two", "three", "four", "five", "six",
                      "seven", "eight", "nine", "ten", "eleven", "twelve"});
}

bool IsPeriodUnit(std::string_view word) {
  return OneOf(word, {"day", "days", "week", "weeks", "wk", "wks", "fortnight", "fortnights", "month",
                      "months", "year", "years"});
}

RE2::Options QuietOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

int NumberWord(const std::string& word) {
  static const char* const kWords[] = {"zero", "one", "two",   "three", "four",   "five", "six",
                                       "seven", "eight", "nine", "ten",  "eleven", "twelve"};
  if (word == "a" || word == "an" || word == "the" || word == "next" || word == "this") return 1;
  for (int i = 0; i < 13; ++i) {
    if (word == kWords[i]) return i;
  }
  return -1;
}

}  // namespace

std::vector<std::string> ExtractEmails(std::string_view question) {
  static const RE2 kEmail("([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+)",
                          QuietOptions());
  std::vector<std::string> out;
  // Every address has an '@'; most questions have none, so skip the regex.
  if (Capped(question).find('@') == std::string_view::npos) return out;
  std::vector<std::string> seen;
  re2::StringPiece input(Capped(question).data(), Capped(question).size());
  std::string email;
  while (RE2::FindAndConsume(&input, kEmail, &email)) {
    while (!email.empty() && (email.back() == '.' || email.back() == '-')) email.pop_back();
    while (!email.empty() && (email.front() == '.' || email.front() == '\'')) email.erase(0, 1);
    std::string key = Lower(email);
    if (email.find('@') == std::string::npos || std::find(seen.begin(), seen.end(), key) != seen.end()) {
      continue;
    }
    seen.push_back(key);
    out.push_back(email);
  }
  return out;
}

bool SpeaksOfAsker(std::string_view question) {
  static const RE2 kFirstPerson("(?i)(?:^|[^A-Za-z0-9'])(?:i|me|my|myself|mine|im|i'm|i've|ive|i'd|i'll)(?:$|[^A-Za-z0-9'])");
  const std::string_view text = Capped(question);
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return RE2::PartialMatch(text, kFirstPerson);
  }
  // In ASCII the pattern matches exactly where a whole run of [A-Za-z0-9']
  // is one of the words, ignoring case.
  for (size_t i = 0; i < text.size();) {
    auto joins = [](char c) { return IsAlnum(static_cast<unsigned char>(c)) || c == '\''; };
    if (!joins(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && joins(text[end])) ++end;
    if (end - i <= 6) {
      char lowered[6];
      for (size_t k = i; k < end; ++k) lowered[k - i] = ToLower(static_cast<unsigned char>(text[k]));
      if (OneOf(std::string_view(lowered, end - i),
                {"i", "me", "my", "myself", "mine", "im", "i'm", "i've", "ive", "i'd", "i'll"})) {
        return true;
      }
    }
    i = end;
  }
  return false;
}

bool AboutOwnAccount(std::string_view question) {
  const std::vector<std::string_view>& words = QuestionWords(question);
  for (size_t i = 0; i < words.size(); ++i) {
    if (OwnAccountAt(words, i)) return true;
  }
  return false;
}

std::optional<int> StatedPeriodDays(std::string_view question) {
  // The first (leftmost) match of
  //   " ([0-9]{1,4}|a|an|the|next|this|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
  //   "(?: (?:coming|next|few))? (day|days|week|weeks|wk|wks|fortnight|fortnights|month|months|year|years) "
  // in the question's WordText. Amount and unit are whole words; the middle
  // word is optional, and no unit is one of the middle words.
  const std::vector<std::string_view>& words = QuestionWords(question);
  std::string amount, unit;
  for (size_t i = 0; i + 1 < words.size() && unit.empty(); ++i) {
    if (!IsPeriodAmount(words[i])) continue;
    size_t u = i + 1;
    if (OneOf(words[u], {"coming", "next", "few"}) && u + 1 < words.size() && IsPeriodUnit(words[u + 1])) {
      ++u;
    }
    if (!IsPeriodUnit(words[u])) continue;
    amount.assign(words[i]);
    unit.assign(words[u]);
  }
  if (unit.empty()) return std::nullopt;
  int n = 0;
  if (std::isdigit(static_cast<unsigned char>(amount[0])) != 0) {
    n = std::stoi(amount);
  } else {
    n = NumberWord(amount);
  }
  if (n <= 0) return std::nullopt;
  int per = 1;
  if (unit.rfind("w", 0) == 0) per = 7;
  if (unit.rfind("fortnight", 0) == 0) per = 14;
  if (unit.rfind("month", 0) == 0) per = 30;
  if (unit.rfind("year", 0) == 0) per = 365;
  return n * per;
}

std::string NameWords(std::string_view text) { return WordText(text); }

void NameWordsInto(std::string_view text, std::string* out) { WordTextInto(text, out); }

std::vector<std::string> FindNamedUsers(std::string_view question,
                                        const std::vector<UserName>& candidates) {
  const std::string text = WordText(Capped(question));
  std::vector<std::string> out;
  for (const UserName& candidate : candidates) {
    std::string name = WordText(candidate.display_name);
    if (name.size() <= 2) continue;  // no letters at all: never matches
    if (text.find(name) != std::string::npos) out.push_back(candidate.user_id);
  }
  return out;
}

}  // namespace whyd
