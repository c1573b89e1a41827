// RuleSet: compile errors at their YAML positions, rule ordering, suppression,
// and the rendering of findings, checked and unknown rules.
#include <catch2/catch.hpp>

#include <string>

#include "engine/diagnosis.h"
#include "engine/facts_json.h"
#include "engine/rule_set.h"
#include "engine/time_util.h"

namespace whyd {
namespace {

const Schema& TestSchema() {
  static const Schema* schema = [] {
    auto* s = new Schema;
    RecordType* root = s->AddRecordType("facts");
    RecordType* user = s->AddRecordType("user");
    user->AddField("display_name", Type::Scalar(Kind::kString));
    user->AddField("status", Type::Scalar(Kind::kString));
    user->AddField("locked_until", Type::Scalar(Kind::kTime));
    user->AddField("failed_logins", Type::Scalar(Kind::kInt));
    user->AddField("subscription_end", Type::Scalar(Kind::kDate));
    root->AddField("user", Type::RecordOf(user));
    s->set_root(root);
    return s;
  }();
  return *schema;
}

const char* kPack = R"Y(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
rules:
  - id: p.info
    faq: f
    cause: info_cause
    severity: info
    when: user.failed_logins > 0
    explain: "{user.failed_logins | plural:\"failure\"}"
  - id: p.late
    faq: f
    cause: late_cause
    severity: blocking
    order: 5
    when: user.subscription_end < today()
    explain: "ended {user.subscription_end | date}"
  - id: p.locked
    faq: f
    cause: locked
    severity: blocking
    order: 1
    suppresses: [p.info]
    when: user.locked_until > now()
    explain: "{user.display_name} is locked until {user.locked_until | clock}"
    evidence:
      - user.failed_logins
      - {fact: unlocks_in, value: "user.locked_until - now()"}
    remediation:
      - {actor: admin, step: "Unlock {user.display_name}."}
      - {actor: learner, step: "Wait."}
  - id: p.warn
    faq: f
    cause: archived
    severity: warning
    when: user.status == "archived"
    explain: archived
    because: "{user.display_name} is {user.status}"
)Y";

std::unique_ptr<RuleSet> Compile(const std::string& text) {
  return RuleSet::Compile(PackSet::LoadText(text, "p.yaml"), TestSchema());
}

struct Run {
  FactArena arena;
  DiagnosisScratch scratch;
  Diagnosis Diagnose(const RuleSet& rules, const std::string& json, const char* now) {
    arena.Reset();
    auto root = RecordFromJson(nlohmann::json::parse(json), *TestSchema().root(), arena);
    REQUIRE(root.ok());
    EvalContext ctx{*root, *ParseTimestamp(now), &arena};
    REQUIRE(rules.Diagnose("f", ctx, &scratch).ok());
    return RenderDiagnosis(scratch);
  }
};

TEST_CASE("rules are ordered by severity, then order, then file order", "[rule_set]") {
  auto rules = Compile(kPack);
  REQUIRE(rules->ok());
  const FaqRules* faq = rules->FindFaq("f");
  REQUIRE(faq != nullptr);
  std::vector<std::string> ids;
  for (const CompiledRule& r : faq->rules) ids.push_back(r.def->id);
  CHECK(ids == std::vector<std::string>{"p.locked", "p.late", "p.warn", "p.info"});
  CHECK(rules->FindFaq("nope") == nullptr);
}

TEST_CASE("a holding rule hides the rules it suppresses", "[rule_set]") {
  auto rules = Compile(kPack);
  REQUIRE(rules->ok());
  Run run;
  Diagnosis locked = run.Diagnose(*rules,
      R"({"user": {"display_name": "Jamie Smith", "status": "full_user", "failed_logins": 5,
          "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-01-01"}})",
      "2026-11-29T10:00:00Z");
  REQUIRE(locked.findings.size() == 1);
  CHECK(locked.findings[0].rule == "p.locked");
  REQUIRE(locked.suppressed.size() == 1);
  CHECK(locked.suppressed[0].rule == "p.info");
  CHECK(locked.suppressed[0].by == "p.locked");

  // Without the lock, the suppressed rule is a finding again.
  Diagnosis unlocked = run.Diagnose(*rules,
      R"({"user": {"display_name": "Jamie Smith", "status": "full_user", "failed_logins": 5,
          "locked_until": null, "subscription_end": "2027-01-01"}})",
      "2026-11-29T10:00:00Z");
  REQUIRE(unlocked.findings.size() == 1);
  CHECK(unlocked.findings[0].rule == "p.info");
  CHECK(unlocked.suppressed.empty());
}

TEST_CASE("findings carry explanation, evidence and remediation, and filters redact", "[rule_set]") {
  auto rules = Compile(kPack);
  REQUIRE(rules->ok());
  Run run;
  Diagnosis d = run.Diagnose(*rules,
      R"({"user": {"display_name": "Jamie Smith", "status": "full_user", "failed_logins": 5,
          "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-01-01"}})",
      "2026-11-29T10:00:00Z");
  const Finding* f = d.FindFinding("locked");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::kBlocking);
  CHECK(f->explanation == "Jamie Smith is locked until 10:20");
  REQUIRE(f->evidence.size() == 2);
  CHECK(f->evidence[0].fact == "user.failed_logins");
  CHECK(f->evidence[0].value == 5);
  CHECK(f->evidence[1].fact == "unlocks_in");
  CHECK(f->evidence[1].value == 1200);
  REQUIRE(f->remediation.size() == 2);
  CHECK(f->remediation[0].step == "Unlock Jamie Smith.");

  nlohmann::json json = d.ToJson();
  CHECK(json["findings"][0]["severity"] == "blocking");
  CHECK(json["findings"][0]["remediation"][1]["actor"] == "learner");

  RenderOptions learner_view;
  learner_view.show_remediation = [](const RuleDef&, const std::string& actor) { return actor == "learner"; };
  learner_view.show_evidence = [](const RuleDef&, const std::string& fact) { return fact != "user.failed_logins"; };
  Diagnosis redacted = RenderDiagnosis(run.scratch, learner_view);
  const Finding* r = redacted.FindFinding("locked");
  REQUIRE(r != nullptr);
  REQUIRE(r->remediation.size() == 1);
  CHECK(r->remediation[0].actor == "learner");
  REQUIRE(r->evidence.size() == 1);
  CHECK(r->evidence[0].fact == "unlocks_in");
}

TEST_CASE("checked rules say why they failed, from the trace or the author", "[rule_set]") {
  auto rules = Compile(kPack);
  REQUIRE(rules->ok());
  Run run;
  Diagnosis d = run.Diagnose(*rules,
      R"({"user": {"display_name": "Jamie Smith", "status": "full_user", "failed_logins": 0,
          "locked_until": null, "subscription_end": "2027-09-01"}})",
      "2026-11-29T10:00:00Z");
  CHECK(d.findings.empty());
  REQUIRE(d.checked.size() == 4);
  CHECK(d.checked[1].rule == "p.late");
  CHECK(d.checked[1].because == "user.subscription_end 2027-09-01 is not before today() (2026-11-29)");
  CHECK(d.checked[2].because == "Jamie Smith is full_user");  // author override
  CHECK(d.checked[3].because == "user.failed_logins 0 is not greater than 0");
}

TEST_CASE("rules over absent facts are unknown and name what is missing", "[rule_set]") {
  auto rules = Compile(kPack);
  REQUIRE(rules->ok());
  Run run;
  Diagnosis d = run.Diagnose(*rules, R"({"user": {"display_name": "Jamie Smith", "status": "archived"}})",
                             "2026-11-29T10:00:00Z");
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].cause == "archived");
  REQUIRE(d.unknown.size() == 3);
  CHECK(d.unknown[0].rule == "p.locked");
  CHECK(d.unknown[0].missing == std::vector<std::string>{"user.locked_until"});
  nlohmann::json json = d.ToJson();
  CHECK(json["unknown"][1]["missing"][0] == "user.subscription_end");
}

TEST_CASE("compile errors point into the YAML expression", "[rule_set]") {
  auto rules = Compile(R"(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
rules:
  - id: p.r
    faq: f
    cause: c
    severity: info
    when: user.failed_logins > 0 and user.stauts == "x"
    explain: "{user.nme}"
)");
  REQUIRE(!rules->ok());
  auto errors = rules->errors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].ToString().rfind("p.yaml:10:43: error: in `when`: ", 0) == 0);
  CHECK(errors[0].message.find("stauts") != std::string::npos);
  CHECK(errors[1].ToString().rfind("p.yaml:11:21: error: in `explain`: ", 0) == 0);
}

TEST_CASE("rules for unknown FAQs, unknown suppressions and non-boolean conditions are errors", "[rule_set]") {
  auto rules = Compile(R"(pack: p
version: 1
faqs:
  - {id: faq-one, title: t, subject: user}
rules:
  - {id: p.a, faq: faq-on, cause: c, severity: info, when: "true", explain: x}
  - {id: p.b, faq: faq-one, cause: c, severity: info, when: "true", explain: x, suppresses: [p.x]}
  - {id: p.c, faq: faq-one, cause: c, severity: info, when: user.failed_logins, explain: x}
)");
  auto errors = rules->errors();
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].ToString() == "p.yaml:6:20: error: rule 'p.a' is for unknown FAQ 'faq-on' (did you mean 'faq-one'?)");
  CHECK(errors[1].ToString() == "p.yaml:8:61: error: `when` must be true or false, but this is a int");
  CHECK(errors[2].ToString().rfind("p.yaml:7:", 0) == 0);
  CHECK(errors[2].message.rfind("rule 'p.b' suppresses unknown rule 'p.x' of FAQ 'faq-one'", 0) == 0);
}

}  // namespace
}  // namespace whyd
