// Question matching on a small catalogue written for these tests: synonyms,
// typos, error-message patterns, calibration, rejection, alternatives,
// explanations, bad input and bad catalogues.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "knowledge/question_matcher.h"

namespace whyd {
namespace {

FaqDef Faq(std::string id, std::string title, std::vector<std::string> keywords,
           std::vector<std::string> examples, std::vector<std::string> patterns = {}) {
  FaqDef faq;
  faq.id = std::move(id);
  faq.title = std::move(title);
  faq.match.keywords = std::move(keywords);
  faq.match.examples = std::move(examples);
  faq.match.patterns = std::move(patterns);
  faq.where.file = "test.yaml";
  return faq;
}

std::vector<FaqDef> TestFaqs() {
  return {
      Faq("locked", "Why has my account been locked and how do I unlock it?",
          {"account locked", "unlock"},
          {"locked out after too many password attempts", "how do I get my account unlocked",
           "how long does a lockout last"},
          {"(?i)your account (is|has been) locked"}),
      Faq("login", "Why can't my learner log in to their account?", {"cannot log in"},
          {"learner unable to log in", "the learner login is not working",
           "why is the learner login failing"}),
      Faq("archive", "Why can't we archive some finished learners?", {"archive"},
          {"the archive button refuses for learners who completed", "unable to archive an old learner"},
          {"(?i)included in (the )?ilr batch"}),
      Faq("manager-missing", "Why is an employer missing from the manager dropdown?",
          {"manager dropdown", "not listed"},
          {"employer not showing as an option for manager", "cannot pick the employer as manager"}),
      Faq("manager-twice", "Why does a manager appear twice in the manager dropdown?",
          {"manager dropdown", "duplicate"},
          {"same manager listed two times", "duplicate employer names in the manager list"}),
      Faq("evidence", "Does cancelling a subscription remove the learner's evidence?",
          {"cancel subscription", "evidence"},
          {"is work kept after cancelling a learner", "will cancelling delete the portfolio"}),
  };
}

std::vector<LexiconGroup> TestLexicon() {
  return {
      {{"learner", "apprentice", "student"}, {}},
      {{"log in", "sign in", "login", "get into"}, {}},
      {{"employer", "line manager"}, {}},
      {{"dropdown", "drop down", "picklist"}, {}},
      {{"cancel", "withdraw"}, {}},
  };
}

const QuestionMatcher& Matcher() {
  static const QuestionMatcher matcher(TestFaqs(), TestLexicon());
  return matcher;
}

MatchResult MustMatch(std::string_view question) {
  StatusOr<MatchResult> result = Matcher().Match(question);
  REQUIRE(result.ok());
  return std::move(result).value();
}

bool Mentions(const std::vector<MatchEvidence>& evidence, MatchEvidence::Kind kind,
              const std::string& text_part, const std::string& detail_part = "") {
  return std::any_of(evidence.begin(), evidence.end(), [&](const MatchEvidence& e) {
    return e.kind == kind && e.text.find(text_part) != std::string::npos &&
           e.detail.find(detail_part) != std::string::npos;
  });
}

TEST_CASE("the catalogue compiles", "[matcher]") {
  REQUIRE(Matcher().ok());
}

TEST_CASE("a plainly worded question finds its FAQ", "[matcher]") {
  MatchResult r = MustMatch("my account is locked, how do I unlock it");
  REQUIRE(r.faq_id);
  CHECK(*r.faq_id == "locked");
  CHECK(r.reason == "matched");
  CHECK(r.confidence > 0.5);
  CHECK(Mentions(r.evidence, MatchEvidence::Kind::kWord, "unlock"));
}

TEST_CASE("synonyms from the lexicon count as the canonical word", "[matcher][synonyms]") {
  MatchResult r = MustMatch("apprentice can't sign in");
  REQUIRE(r.faq_id);
  CHECK(*r.faq_id == "login");
  CHECK(Mentions(r.evidence, MatchEvidence::Kind::kWord, "apprentice", "synonym of 'learner'"));
  CHECK(Mentions(r.evidence, MatchEvidence::Kind::kWord, "sign in", "synonym of 'log in'"));
}

TEST_CASE("UK spelling and inflections meet the catalogue's words", "[matcher]") {
  MatchResult r = MustMatch("if a learner is withdrawn is the evidence they uploaded kept after cancellng");
  REQUIRE(!r.ranked.empty());
  CHECK(r.ranked[0].faq_id == "evidence");
}

TEST_CASE("typos are corrected against the catalogue's vocabulary", "[matcher][typos]") {
  MatchResult r = MustMatch("cant arhcive some learnrs");
  REQUIRE(r.faq_id);
  CHECK(*r.faq_id == "archive");
  CHECK(Mentions(r.evidence, MatchEvidence::Kind::kWord, "arhcive", "typo of 'archive'"));
}

TEST_CASE("a pasted error message matches its FAQ's pattern", "[matcher][patterns]") {
  MatchResult r = MustMatch("\"This user is included in ILR batch file\" ???");
  REQUIRE(r.faq_id);
  CHECK(*r.faq_id == "archive");
  CHECK(Mentions(r.evidence, MatchEvidence::Kind::kPattern, "ilr batch"));
  // The same words without the error message's shape score lower.
  MatchResult plain = MustMatch("batch");
  CHECK(plain.confidence < r.confidence);
}

TEST_CASE("greetings, hand-offs and empty questions are not about any FAQ", "[matcher][reject]") {
  for (const char* q : {"hello there", "thanks a lot, bye", "can I talk to a real person please", "",
                        "   \n\t ", "?!?!", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"}) {
    INFO(q);
    MatchResult r = MustMatch(q);
    CHECK_FALSE(r.faq_id);
    CHECK(r.reason == "no_content");
  }
}

TEST_CASE("questions about other features are rejected", "[matcher][reject]") {
  for (const char* q : {"how do I record off the job training hours for a cohort",
                        "what browsers does the platform support",
                        "where do I download invoices for last quarter"}) {
    INFO(q);
    MatchResult r = MustMatch(q);
    CHECK_FALSE(r.faq_id);
    CHECK(r.confidence < Matcher().options().reject_below);
  }
}

TEST_CASE("a question between two FAQs offers the other as an alternative", "[matcher][alternatives]") {
  MatchResult r = MustMatch("problem with the manager dropdown");
  std::vector<std::string> offered = r.alternatives;
  if (r.faq_id) offered.push_back(*r.faq_id);
  CHECK(std::count(offered.begin(), offered.end(), "manager-missing") == 1);
  CHECK(std::count(offered.begin(), offered.end(), "manager-twice") == 1);
  // A clear question has no close runner-up.
  MatchResult clear = MustMatch("the same manager is listed twice, duplicate names");
  REQUIRE(clear.faq_id);
  CHECK(*clear.faq_id == "manager-twice");
  CHECK(clear.alternatives.empty());
}

TEST_CASE("confidence grows with the evidence for a FAQ", "[matcher][calibration]") {
  // The calibration's weights are positive, so confidence is monotone in
  // score, margin and coverage.
  const MatcherOptions& o = Matcher().options();
  CHECK(o.calib_score > 0);
  CHECK(o.calib_margin > 0);
  CHECK(o.calib_coverage > 0);
  double weak = MustMatch("manager").confidence;
  double middle = MustMatch("manager dropdown").confidence;
  double strong = MustMatch("the same manager appears twice in the manager dropdown").confidence;
  CHECK(weak < middle);
  CHECK(middle < strong);
  for (double c : {weak, middle, strong}) {
    CHECK(c >= 0.0);
    CHECK(c <= 1.0);
  }
  // Ranked candidates come best first, each with a confidence in [0, 1].
  MatchResult r = MustMatch("employer missing from manager dropdown");
  for (size_t i = 1; i < r.ranked.size(); ++i) {
    CHECK(r.ranked[i - 1].score >= r.ranked[i].score);
    CHECK(r.ranked[i - 1].confidence >= r.ranked[i].confidence);
  }
}

TEST_CASE("an unknown capitalised name does not dilute the match", "[matcher]") {
  MatchResult plain = MustMatch("why can't my learner log in");
  MatchResult named = MustMatch("why can't my learner Zebedee log in");
  REQUIRE(plain.faq_id);
  REQUIRE(named.faq_id);
  CHECK(*named.faq_id == "login");
  CHECK(named.confidence == Approx(plain.confidence));
}

TEST_CASE("hostile input yields an answer, never a crash", "[matcher][bad-input]") {
  std::string huge;
  while (huge.size() < 100 * 1024) huge += "locked account unlock zzqx ";
  MatchResult r = MustMatch(huge);
  CHECK(r.truncated);
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>(i * 37 % 256));
  MatchResult b = MustMatch(binary);
  CHECK((b.faq_id.has_value() || !b.reason.empty()));
  for (const char* q : {"'; DROP TABLE users; --", "(a+)+$ .* [[[ \\ (?i) {1000000}",
                        "\xC3\x28\xA0\xA1 \xE2\x82 \xF0\x28\x8C\x28", "%s%s%s%n"}) {
    INFO(q);
    StatusOr<MatchResult> result = Matcher().Match(q);
    REQUIRE(result.ok());
    CHECK_FALSE(result->faq_id);
  }
  std::string long_words;
  for (int i = 0; i < 200; ++i) long_words += std::string(19, static_cast<char>('a' + i % 26)) + "q ";
  CHECK(MustMatch(long_words).truncated);
}

TEST_CASE("a bad catalogue is reported, and matching then fails cleanly", "[matcher][bad-catalogue]") {
  SECTION("no FAQs") {
    QuestionMatcher m({}, {});
    CHECK_FALSE(m.ok());
    CHECK(m.error().code() == StatusCode::kFailedPrecondition);
    StatusOr<MatchResult> r = m.Match("anything");
    CHECK_FALSE(r.ok());
  }
  SECTION("a pattern that is not RE2") {
    std::vector<FaqDef> faqs = TestFaqs();
    faqs[0].match.patterns.push_back("(unclosed");
    QuestionMatcher m(faqs, {});
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("locked") != std::string::npos);
    CHECK(m.error().message().find("(unclosed") != std::string::npos);
  }
  SECTION("a FAQ declared twice") {
    std::vector<FaqDef> faqs = TestFaqs();
    faqs.push_back(faqs[1]);
    QuestionMatcher m(faqs, {});
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("'login'") != std::string::npos);
  }
  SECTION("a lexicon entry without letters") {
    QuestionMatcher m(TestFaqs(), {{{"learner", "!!!"}, {"lex.yaml", 3, 5}}});
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message().find("lex.yaml:3:5") != std::string::npos);
  }
}

}  // namespace
}  // namespace whyd
