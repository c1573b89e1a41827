// Mentions: see mentions.h.
#include "knowledge/mentions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

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

// Lowercased, every run of non-alphanumeric ASCII (apart from apostrophes,
// which join) folded into one space, with a space at each end so that
// whole-word searches are plain substring searches of " word ".
std::string WordText(std::string_view text) {
  std::string out = " ";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
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
          (next + 1 == text.size() || std::isalnum(static_cast<unsigned char>(text[next + 1])) == 0)) {
        i = next;
      } else {
        i = next - 1;
      }
      continue;
    }
    if (std::isalnum(c) != 0) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
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
  return RE2::PartialMatch(Capped(question), kFirstPerson);
}

bool AboutOwnAccount(std::string_view question) {
  const std::string text = WordText(Capped(question));
  static const RE2 kOwn(
      " (?:my (?:own )?(?:account|login|log in|password|profile|username|user name|access|email|email address)"
      "|(?:i|im|i am|ive|i have|i ve) (?:been |got |get |keep getting |am |was )?(?:locked|blocked)"
      "|(?:locked|lock|locking|blocked|kicked|kick) me"
      "|i (?:cant|cannot|can not|couldnt|am unable to|m unable to|dont seem to be able to) "
      "(?:log|sign|get|access|login|signin)) ",
      QuietOptions());
  return RE2::PartialMatch(text, kOwn);
}

std::optional<int> StatedPeriodDays(std::string_view question) {
  const std::string text = WordText(Capped(question));
  static const RE2 kPeriod(
      " ([0-9]{1,4}|a|an|the|next|this|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
      "(?: (?:coming|next|few))? (day|days|week|weeks|wk|wks|fortnight|fortnights|month|months|year|years) ",
      QuietOptions());
  re2::StringPiece input(text);
  std::string amount, unit;
  if (!RE2::FindAndConsume(&input, kPeriod, &amount, &unit)) return std::nullopt;
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
