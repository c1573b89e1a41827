// Question matching on the real packs under rules/: the authored data is
// complete, every FAQ is reachable, pasted error messages land on their FAQ,
// and chit-chat is turned away. (Accuracy on unseen questions is measured by
// `whyd eval`, not asserted here.)
#include <catch2/catch.hpp>

#include <string>

#include "engine/pack_loader.h"
#include "knowledge/question_matcher.h"

namespace whyd {
namespace {

const PackSet& Packs() {
  static const PackSet packs = PackSet::Load(WHYD_SOURCE_DIR "/rules");
  return packs;
}

const QuestionMatcher& Matcher() {
  static const QuestionMatcher matcher(Packs().faqs(), Packs().lexicon());
  return matcher;
}

std::string Answer(const std::string& question) {
  StatusOr<MatchResult> r = Matcher().Match(question);
  REQUIRE(r.ok());
  return r->faq_id.value_or("null");
}

TEST_CASE("the packs compile into a matcher", "[matcher][packs]") {
  INFO((Packs().errors().empty() ? std::string() : Packs().errors().front().ToString()));
  REQUIRE(Packs().ok());
  REQUIRE(Matcher().ok());
  CHECK(Packs().faqs().size() == 29);
}

TEST_CASE("every FAQ has authored matching data", "[matcher][packs]") {
  for (const FaqDef& faq : Packs().faqs()) {
    INFO(faq.id);
    CHECK(faq.match.examples.size() >= 8);
    CHECK(faq.match.examples.size() <= 20);
    CHECK_FALSE(faq.match.keywords.empty());
  }
}

TEST_CASE("every FAQ's title finds that FAQ", "[matcher][packs]") {
  for (const FaqDef& faq : Packs().faqs()) {
    INFO(faq.title);
    CHECK(Answer(faq.title) == faq.id);
  }
}

TEST_CASE("pasted error messages land on their FAQ", "[matcher][packs][patterns]") {
  CHECK(Answer("Import failed: Ambiguous Case Owner (row 4)") == "csv-ambiguous-case-owner");
  CHECK(Answer("\"This user is included in ILR batch file and can't be archived\"") ==
        "archive-blocked-by-ilr");
  CHECK(Answer("POST /users -> 400 Invalid Case Owner information") == "api-invalid-case-owner");
  CHECK(Answer("adding a user: Email address already exists. but where??") == "email-already-exists");
}

TEST_CASE("chit-chat and hand-offs are not FAQs", "[matcher][packs][reject]") {
  for (const char* q : {"hey", "cheers, bye!", "I'd like to talk to a human", "", "\xF0\x9F\x99\x8F"}) {
    INFO(q);
    CHECK(Answer(q) == "null");
  }
}

}  // namespace
}  // namespace whyd
