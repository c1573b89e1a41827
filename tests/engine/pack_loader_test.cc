// Pack loader: what a valid pack yields, and each class of error with the
// file:line:column where it was written.
#include <catch2/catch.hpp>

#include <string>

#include "engine/pack_loader.h"

namespace whyd {
namespace {

// The first error message (with location) of loading `text` as "p.yaml".
std::string FirstError(const std::string& text, const LoadOptions& options = {}) {
  PackSet set = PackSet::LoadText(text, "p.yaml", options);
  auto errors = set.errors();
  return errors.empty() ? "" : errors.front().ToString();
}

const char* kValid = R"Y(pack: login
version: 2
description: "Sign-in problems."
faqs:
  - id: learner-cannot-log-in
    title: "Why can't my learner log in?"
    subject: user
    answer: |
      Some text.
    match:
      keywords: [log in]
rules:
  - id: login.locked
    faq: learner-cannot-log-in
    cause: account_locked
    severity: warning
    order: 3
    suppresses: [login.other]
    when: user.locked_until > now()
    explain: "{user.display_name} is locked"
    evidence:
      - user.failed_logins
      - {fact: unlocks_in, value: "user.locked_until - now()"}
    remediation:
      - actor: admin
        step: Unlock it.
match:
  learner-cannot-log-in:
    examples: ["she cannot get in"]
    patterns: ["(?i)invalid password"]
lexicon:
  - [learner, apprentice]
tests:
  - name: locked
    faq: learner-cannot-log-in
    at: 2026-11-29T10:00:00Z
    facts:
      user: {display_name: "Jamie Smith", failed_logins: 5, locked_until: 2026-11-29T10:20:00Z, code: "007"}
    expect:
      holds: [account_locked]
      explanation_contains: {account_locked: "locked"}
)Y";

TEST_CASE("a valid pack yields its FAQs, rules, tests and merged match data", "[pack_loader]") {
  PackSet set = PackSet::LoadText(kValid, "p.yaml");
  REQUIRE(set.ok());
  REQUIRE(set.packs().size() == 1);
  CHECK(set.packs()[0].version == 2);
  REQUIRE(set.faqs().size() == 1);
  const FaqDef& faq = set.faqs()[0];
  CHECK(faq.pack == "login");
  CHECK(faq.answer == "Some text.\n");
  CHECK(faq.needs == std::vector<std::string>{"subject"});
  CHECK(faq.match.keywords == std::vector<std::string>{"log in"});
  CHECK(faq.match.examples == std::vector<std::string>{"she cannot get in"});
  CHECK(faq.match.patterns.size() == 1);
  CHECK(faq.where.ToString() == "p.yaml:5:5");
  REQUIRE(set.lexicon().size() == 1);
  CHECK(set.lexicon()[0].words == std::vector<std::string>{"learner", "apprentice"});

  REQUIRE(set.rules().size() == 1);
  const RuleDef& rule = set.rules()[0];
  CHECK(rule.severity == Severity::kWarning);
  CHECK(rule.order == 3);
  CHECK(rule.suppresses == std::vector<std::string>{"login.other"});
  CHECK(rule.when.text == "user.locked_until > now()");
  CHECK(rule.when.where.ToString() == "p.yaml:19:11");
  // An offset inside the expression maps to the column in the file.
  CHECK(rule.when.At(5).ToString() == "p.yaml:19:16");
  // Quoted scalars start after the quote.
  CHECK(rule.explain.At(0).ToString() == "p.yaml:20:15");
  REQUIRE(rule.evidence.size() == 2);
  CHECK(rule.evidence[0].fact == "user.failed_logins");
  CHECK(rule.evidence[0].value.text == "user.failed_logins");
  CHECK(rule.evidence[1].fact == "unlocks_in");
  REQUIRE(rule.remediation.size() == 1);
  CHECK(rule.remediation[0].actor == "admin");

  REQUIRE(set.tests().size() == 1);
  const PackTestDef& test = set.tests()[0];
  CHECK(test.at == 1795946400);
  CHECK(test.facts["user"]["failed_logins"] == 5);
  CHECK(test.facts["user"]["code"] == "007");  // quoted: stays a string
  CHECK(test.facts["user"]["locked_until"] == "2026-11-29T10:20:00Z");
  CHECK(test.holds == std::vector<std::string>{"account_locked"});
  CHECK(test.explanation_contains.at("account_locked") == "locked");
}

TEST_CASE("block scalars map expression offsets to their lines", "[pack_loader]") {
  PackSet set = PackSet::LoadText(R"(pack: p
version: 1
rules:
  - id: p.r
    faq: f
    cause: c
    severity: info
    when: >-
      user.a == 1
      and user.b == 2
    explain: x
)", "p.yaml");
  REQUIRE(set.rules().size() == 1);
  const SourceText& when = set.rules()[0].when;
  CHECK(when.text == "user.a == 1 and user.b == 2");
  CHECK(when.At(0).ToString() == "p.yaml:9:7");
  CHECK(when.At(16).ToString() == "p.yaml:10:11");
}

TEST_CASE("YAML syntax errors name the line and column", "[pack_loader]") {
  CHECK(FirstError("pack: x\nversion: 1\nfaqs: [\n") .rfind("p.yaml:4:1: error: YAML syntax error", 0) == 0);
  CHECK(FirstError("pack: x\n  version: 1\n").find("p.yaml:2:") == 0);
}

TEST_CASE("unknown keys are reported with a suggestion", "[pack_loader]") {
  std::string text = R"(pack: p
version: 1
rules:
  - id: p.r
    faq: f
    cause: c
    severity: info
    whne: user.a == 1
    explain: x
)";
  PackSet set = PackSet::LoadText(text, "p.yaml");
  auto errors = set.errors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].ToString() == "p.yaml:8:5: error: unknown key 'whne' in rule (did you mean 'when'?)");
  CHECK(errors[1].ToString() == "p.yaml:4:5: error: rule is missing required key 'when'");
  CHECK(FirstError("pack: p\nversion: 1\nfaq: []\n") ==
        "p.yaml:3:1: error: unknown key 'faq' in pack file (did you mean 'faqs'?)");
}

TEST_CASE("wrong types are errors at the value", "[pack_loader]") {
  CHECK(FirstError("pack: p\nversion: one\n") == "p.yaml:2:10: error: `version` must be an integer");
  CHECK(FirstError("pack: p\nversion: 1\nrules: {a: 1}\n") == "p.yaml:3:8: error: `rules` must be a list");
  CHECK(FirstError("pack: p\nversion: 1\nfaqs:\n  - id: [a]\n    title: t\n    subject: user\n") ==
        "p.yaml:4:9: error: `id` must be a string");
  CHECK(FirstError("pack: p\nversion: 1\nrules:\n  - id: p.r\n    faq: f\n    cause: c\n    severity: fatal\n"
                   "    when: x\n    explain: y\n") ==
        "p.yaml:7:15: error: unknown severity 'fatal' (one of blocking, warning, info)");
  CHECK(FirstError("pack: p\nversion: 1\nrules:\n  - id: p.r\n    faq: f\n    cause: c\n    severity: info\n"
                   "    when: x\n    explain: y\n    remediation:\n      - {actor: admn, step: s}\n") ==
        "p.yaml:11:17: error: unknown actor 'admn' (one of learner, employer, admin, support; did you mean 'admin'?)");
  CHECK(FirstError("pack: p\nversion: 1\nfaqs:\n  - {id: f, title: t, subject: users}\n") ==
        "p.yaml:4:32: error: unknown subject 'users' (one of user, user+user, tenant, csv, api_request, email)");
}

TEST_CASE("missing required keys are errors at the mapping", "[pack_loader]") {
  CHECK(FirstError("version: 1\n") == "p.yaml:1:1: error: pack file is missing required key 'pack'");
  CHECK(FirstError("pack: p\nversion: 1\nfaqs:\n  - id: f\n    subject: user\n") ==
        "p.yaml:4:5: error: FAQ is missing required key 'title'");
  CHECK(FirstError("") == "p.yaml:1:1: error: empty pack file: expected a mapping with `pack:` and `version:`");
}

TEST_CASE("duplicate ids are errors naming the first declaration", "[pack_loader]") {
  CHECK(FirstError("pack: p\nversion: 1\nfaqs:\n  - {id: f, title: t, subject: user}\n"
                   "  - {id: f, title: u, subject: user}\n") ==
        "p.yaml:5:10: error: duplicate FAQ id 'f' (first declared at p.yaml:4:5)");
  std::string rule = "  - {id: p.r, faq: f, cause: c, severity: info, when: x, explain: y}\n";
  CHECK(FirstError("pack: p\nversion: 1\nrules:\n" + rule + rule) ==
        "p.yaml:5:10: error: duplicate rule id 'p.r' (first declared at p.yaml:4:5)");
  CHECK(FirstError("pack: p\nversion: 1\nrules:\n  - {id: q.r, faq: f, cause: c, severity: info, when: x, explain: y}\n") ==
        "p.yaml:4:10: error: rule id 'q.r' must start with its pack id: 'p.'");
  CHECK(!FirstError("pack: p\nversion: 1\npack: q\n").empty());
}

TEST_CASE("duplicate pack ids across files are errors", "[pack_loader]") {
  PackSet set = PackSet::Load(std::string(WHYD_SOURCE_DIR) + "/rules");
  INFO((set.errors().empty() ? std::string() : set.errors().front().ToString()));
  CHECK(set.ok());
  CHECK(set.FindFaq("learner-cannot-log-in") != nullptr);
  CHECK(set.files().size() >= 2);
}

TEST_CASE("bad regular expressions and match data for unknown FAQs are errors", "[pack_loader]") {
  CHECK(FirstError("pack: p\nversion: 1\nmatch:\n  f:\n    patterns: [\"(unclosed\"]\n")
            .rfind("p.yaml:5:16: error: bad regular expression '(unclosed'", 0) == 0);
  CHECK(FirstError("pack: p\nversion: 1\nfaqs:\n  - {id: account-locked, title: t, subject: user}\n"
                   "match:\n  acount-locked: {keywords: [lock]}\n") ==
        "p.yaml:6:3: error: match data for unknown FAQ 'acount-locked' (did you mean 'account-locked'?)");
}

TEST_CASE("huge files and deep nesting are rejected before they cost much", "[pack_loader]") {
  LoadOptions small;
  small.max_file_bytes = 64;
  CHECK(FirstError(std::string(100, '#'), small) == "p.yaml:1:1: error: file is 100 bytes, over the limit of 64");
  std::string deep = "pack: p\nversion: 1\ndescription: ";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  CHECK(FirstError(deep).find("nesting deeper than 32 levels") != std::string::npos);
  std::string very_deep(100000, '[');
  CHECK(!FirstError(very_deep).empty());  // yaml-cpp's own limit, caught, not a crash
}

TEST_CASE("tests need exactly one form of facts and a valid time", "[pack_loader]") {
  CHECK(FirstError("pack: p\nversion: 1\ntests:\n  - {name: a, faq: f, at: yesterday, facts: {}, expect: {}}\n") ==
        "p.yaml:4:27: error: `at` must be a UTC timestamp like 2026-11-29T10:00:00Z, not 'yesterday'");
  CHECK(FirstError("pack: p\nversion: 1\ntests:\n  - {name: a, faq: f, at: 2026-11-29T10:00:00Z, expect: {}}\n") ==
        "p.yaml:4:5: error: a test needs exactly one of `facts:` or `state:`");
}

TEST_CASE("LoadPacks turns errors into a status naming each", "[pack_loader]") {
  auto missing = LoadPacks("/nonexistent/whyd/rules");
  REQUIRE(!missing.ok());
  CHECK(missing.status().message() == "/nonexistent/whyd/rules: error: no such pack file or directory");
}

}  // namespace
}  // namespace whyd
