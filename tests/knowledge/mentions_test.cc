// Mentions: emails, the asker, stated periods and named users in a question.
#include <catch2/catch.hpp>
#include <re2/re2.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "knowledge/mentions.h"

namespace whyd {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("emails are extracted once each, trailing punctuation dropped", "[mentions]") {
  CHECK(ExtractEmails("is pat.lee+work@acme-training.co.uk already used? and PAT.LEE+work@acme-training.co.uk.") ==
        Strings{"pat.lee+work@acme-training.co.uk"});
  CHECK(ExtractEmails("(a@b.com), c.d@e.org.") == Strings{"a@b.com", "c.d@e.org"});
  CHECK(ExtractEmails("no address here, just @ signs and foo@bar").empty());
}

TEST_CASE("the asker is recognised in the first person", "[mentions]") {
  CHECK(SpeaksOfAsker("I can't get in"));
  CHECK(SpeaksOfAsker("why was MY account locked"));
  CHECK(SpeaksOfAsker("i'm stuck"));
  CHECK_FALSE(SpeaksOfAsker("why can't the learner log in"));
  CHECK_FALSE(SpeaksOfAsker("mystery of the missing manager"));
}

TEST_CASE("questions about the asker's own account are told apart", "[mentions]") {
  CHECK(AboutOwnAccount("why is my account locked"));
  CHECK(AboutOwnAccount("I cant log in since this morning"));
  CHECK(AboutOwnAccount("the system locked me out"));
  CHECK(AboutOwnAccount("I've been locked out"));
  CHECK_FALSE(AboutOwnAccount("my learner can't log in"));
  CHECK_FALSE(AboutOwnAccount("I sent an activation email to Jo"));
}

TEST_CASE("a stated period becomes days", "[mentions]") {
  CHECK(StatedPeriodDays("who expires in the next 60 days") == 60);
  CHECK(StatedPeriodDays("expiring within 2 weeks") == 14);
  CHECK(StatedPeriodDays("due to expire next month") == 30);
  CHECK(StatedPeriodDays("list for 90 days please") == 90);
  CHECK(StatedPeriodDays("over the coming fortnight") == 14);
  CHECK(StatedPeriodDays("in three weeks time") == 21);
  CHECK(StatedPeriodDays("who is due to expire soon") == std::nullopt);
  CHECK(StatedPeriodDays("0 days") == std::nullopt);
}

TEST_CASE("display names are found as whole words ignoring case", "[mentions]") {
  std::vector<UserName> users = {{"u1", "Jamie Smith"}, {"u2", "Sam"}, {"u3", "Jamie  SMITH"},
                                 {"u4", "Ann O'Neil"},  {"u5", ""},    {"u6", "Samantha Jones"}};
  CHECK(FindNamedUsers("why can't jamie smith log in", users) == Strings{"u1", "u3"});
  CHECK(FindNamedUsers("Jamie Smith's account", users) == Strings{"u1", "u3"});
  CHECK(FindNamedUsers("is Samantha Jones locked", users) == Strings{"u6"});  // not "Sam"
  CHECK(FindNamedUsers("ann o'neil cannot sign in", users) == Strings{"u4"});
  CHECK(FindNamedUsers("nobody named", users).empty());
}

TEST_CASE("mentions survive hostile input", "[mentions][bad-input]") {
  std::string huge(200 * 1024, 'a');
  huge += "@b.com";
  CHECK(ExtractEmails(huge).empty());  // beyond the cap
  std::string binary;
  for (int i = 0; i < 1000; ++i) binary.push_back(static_cast<char>(i % 256));
  CHECK_FALSE(StatedPeriodDays(binary).has_value());
  CHECK(FindNamedUsers(binary, {{"u", "x"}}).empty());
  CHECK_FALSE(SpeaksOfAsker(""));
  CHECK(StatedPeriodDays("99999 days") == std::nullopt);  // more than four digits is not a period
}

// The patterns SpeaksOfAsker, AboutOwnAccount and StatedPeriodDays used to
// run as regular expressions (on the question, and on its NameWords), kept
// here as the specification their word-by-word matching must agree with.
bool SpeaksOfAskerByRegex(std::string_view question) {
  static const RE2 kFirstPerson(
      "(?i)(?:^|[^A-Za-z0-9'])(?:i|me|my|myself|mine|im|i'm|i've|ive|i'd|i'll)(?:$|[^A-Za-z0-9'])");
  return RE2::PartialMatch(question.substr(0, std::min(question.size(), kMaxMentionBytes)), kFirstPerson);
}

bool AboutOwnAccountByRegex(std::string_view question) {
  static const RE2 kOwn(
      " (?:my (?:own )?(?:account|login|log in|password|profile|username|user name|access|email|email address)"
      "|(?:i|im|i am|ive|i have|i ve) (?:been |got |get |keep getting |am |was )?(?:locked|blocked)"
      "|(?:locked|lock|locking|blocked|kicked|kick) me"
      "|i (?:cant|cannot|can not|couldnt|am unable to|m unable to|dont seem to be able to) "
      "(?:log|sign|get|access|login|signin)) ");
  return RE2::PartialMatch(NameWords(question.substr(0, std::min(question.size(), kMaxMentionBytes))), kOwn);
}

std::optional<int> StatedPeriodDaysByRegex(std::string_view question) {
  static const RE2 kPeriod(
      " ([0-9]{1,4}|a|an|the|next|this|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
      "(?: (?:coming|next|few))? (day|days|week|weeks|wk|wks|fortnight|fortnights|month|months|year|years) ");
  const std::string text = NameWords(question.substr(0, std::min(question.size(), kMaxMentionBytes)));
  re2::StringPiece input(text);
  std::string amount, unit;
  if (!RE2::FindAndConsume(&input, kPeriod, &amount, &unit)) return std::nullopt;
  static const char* const kWords[] = {"zero", "one", "two", "three", "four", "five", "six",
                                       "seven", "eight", "nine", "ten", "eleven", "twelve"};
  int n = -1;
  if (std::isdigit(static_cast<unsigned char>(amount[0])) != 0) n = std::stoi(amount);
  if (amount == "a" || amount == "an" || amount == "the" || amount == "next" || amount == "this") n = 1;
  for (int i = 0; i < 13; ++i) {
    if (amount == kWords[i]) n = i;
  }
  if (n <= 0) return std::nullopt;
  int per = 1;
  if (unit.rfind("w", 0) == 0) per = 7;
  if (unit.rfind("fortnight", 0) == 0) per = 14;
  if (unit.rfind("month", 0) == 0) per = 30;
  if (unit.rfind("year", 0) == 0) per = 365;
  return n * per;
}

TEST_CASE("phrase matching agrees with the regular expressions it replaced", "[mentions]") {
  // Questions strung together from the patterns' words, near misses, fillers,
  // numbers, case changes, punctuation, apostrophes and non-ASCII text.
  const std::vector<std::string> pieces = {
      "i", "I", "im", "I'm", "i'm", "ive", "I've", "i've", "i'd", "I'll", "me", "ME", "my", "My", "mine",
      "myself", "mys", "imy", "am", "have", "ve", "m", "been", "got", "get", "keep", "getting", "was",
      "locked", "lock", "locking", "blocked", "kicked", "kick", "Locked", "locks", "own", "account",
      "accounts", "login", "log", "in", "on", "password", "profile", "username", "user", "name",
      "access", "email", "address", "cant", "can't", "can", "not", "cannot", "couldnt", "couldn't",
      "unable", "to", "dont", "don't", "seem", "be", "able", "sign", "signin", "out", "the", "a",
      "an", "next", "this", "one", "two", "twelve", "zero", "0", "7", "60", "2026", "99999",
      "coming", "few", "day", "days", "week", "Weeks", "wk", "wks", "fortnight", "fortnights",
      "month", "months", "year", "years", "learner", "why", "jamie", "Smith's", "s",
      ".", ",", "?", "!", "'", "-", "(", ")", "\n", "\t", "@", "\xE2\x80\x99", "\xE2\x80\x99s",
      "\xC3\xA9", "\xC5\xBF", "\xE2\x84\xAA", "\xFF", "\xC3", "\xF0\x9F\x98\x80", std::string(1, '\0')};
  const std::vector<std::string> joins = {" ", " ", " ", "  ", "", ", ", "'", "-", "\xE2\x80\x99"};
  std::mt19937 random(20261129);
  auto pick = [&random](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  int speaks = 0, own = 0, periods = 0;
  for (int n = 0; n < 30000; ++n) {
    std::string question;
    const int length = std::uniform_int_distribution<int>(0, 9)(random);
    for (int w = 0; w < length; ++w) question += (w > 0 ? pick(joins) : std::string()) + pick(pieces);
    INFO(question);
    REQUIRE(SpeaksOfAsker(question) == SpeaksOfAskerByRegex(question));
    REQUIRE(AboutOwnAccount(question) == AboutOwnAccountByRegex(question));
    REQUIRE(StatedPeriodDays(question) == StatedPeriodDaysByRegex(question));
    speaks += SpeaksOfAsker(question) ? 1 : 0;
    own += AboutOwnAccount(question) ? 1 : 0;
    periods += StatedPeriodDays(question).has_value() ? 1 : 0;
  }
  // Both outcomes of each were exercised.
  CHECK(speaks > 1000);
  CHECK(speaks < 29000);
  CHECK(own > 100);
  CHECK(periods > 100);
}

}  // namespace
}  // namespace whyd
