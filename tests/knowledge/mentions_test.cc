// Mentions: emails, the asker, stated periods and named users in a question.
#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace whyd
