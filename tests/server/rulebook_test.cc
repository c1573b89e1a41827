// Rulebook::Diagnose writes the diagnosis parts of an answer straight from the
// recorded outcomes, with texts prepared when the rulebook loads (escaped ids,
// causes, labels and constant steps; PrepareFailure's parts of the `because`
// texts). These tests hold that to the slow, obvious path it replaced:
// RenderDiagnosis (with ExplainFailure) and DumpJson of Diagnosis::ToJson(),
// over the facts of every `facts:` pack test under rules/, run against the
// rules of every FAQ (so each rule is seen holding, failing and unknown).
//
// Thread-safety: single-threaded tests.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "engine/diagnosis.h"
#include "engine/facts_json.h"
#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "knowledge/account_schema.h"
#include "server/json_writer.h"
#include "server/rulebook.h"

using namespace whyd;

namespace {

const std::string kRules = WHYD_SOURCE_DIR "/rules";

}  // namespace

TEST_CASE("prepared `because` texts equal ExplainFailure for every rule of every pack") {
  std::unique_ptr<RuleSet> rules = RuleSet::Compile(PackSet::Load(kRules), AccountSchema());
  REQUIRE(rules->ok());
  std::vector<std::vector<PreparedFailure>> prepared;
  for (const FaqRules& faq : rules->faqs()) {
    auto& p = prepared.emplace_back();
    for (const CompiledRule& rule : faq.rules) p.push_back(PrepareFailure(rule));
  }
  DiagnosisScratch scratch;
  FactArena arena;
  int compared = 0, failed = 0;
  for (const PackTestDef& test : rules->packs().tests()) {
    if (!test.has_facts) continue;
    for (size_t f = 0; f < rules->faqs().size(); ++f) {
      const FaqRules& faq = rules->faqs()[f];
      arena.Reset();
      StatusOr<const Record*> root = RecordFromJson(test.facts, *rules->schema().root(), arena);
      REQUIRE(root.ok());
      rules->Diagnose(faq, EvalContext{*root, test.at, &arena}, &scratch);
      auto outcomes = scratch.outcomes();
      for (size_t i = 0; i < faq.rules.size(); ++i) {
        // Every outcome, not only the failed ones Diagnose explains.
        std::string text = "kept ";
        AppendFailure(faq.rules[i], prepared[f][i], outcomes[i], &text);
        INFO(test.name << " / " << faq.rules[i].def->id);
        REQUIRE(text == "kept " + ExplainFailure(faq.rules[i], outcomes[i]));
        ++compared;
        if (outcomes[i].result == Tri::kFalse) ++failed;
      }
    }
  }
  REQUIRE(compared > 1000);
  REQUIRE(failed > 500);
}

TEST_CASE("Rulebook::Diagnose writes what DumpJson of the rendered diagnosis writes") {
  StatusOr<std::shared_ptr<const Rulebook>> book = Rulebook::Load(kRules);
  REQUIRE(book.ok());
  std::unique_ptr<RuleSet> rules = RuleSet::Compile(PackSet::Load(kRules), AccountSchema());
  REQUIRE(rules->ok());
  RenderOptions all;
  all.show_evidence = [](const RuleDef&, const std::string&) { return true; };
  // Shows every evidence value as it is, but one label's values not at all,
  // so that a dropped item is compared too.
  EvidenceFilter filter = [](std::string_view path, const Value& value, std::string* json) {
    if (path == "user.status") return false;
    AppendJson(ValueToJson(value), json);
    return true;
  };
  DiagnosisScratch scratch;
  FactArena arena;
  int compared = 0;
  int seen[3] = {0, 0, 0};  // findings, checked, unknown
  for (const PackTestDef& test : rules->packs().tests()) {
    if (!test.has_facts) continue;
    for (const FaqRules& faq : rules->faqs()) {
      arena.Reset();
      StatusOr<const Record*> root = RecordFromJson(test.facts, *rules->schema().root(), arena);
      REQUIRE(root.ok());
      EvalContext ctx{*root, test.at, &arena};
      rules->Diagnose(faq, ctx, &scratch);
      Diagnosis d = RenderDiagnosis(scratch, all);
      nlohmann::json expected = d.ToJson();
      // The filter drops by path, the rendering labels by fact: drop the same items.
      size_t n = 0;
      for (size_t i = 0; i < faq.rules.size(); ++i) {
        if (scratch.outcomes()[i].result != Tri::kTrue || scratch.outcomes()[i].suppressed()) continue;
        nlohmann::json& evidence = expected["findings"][n++]["evidence"];
        nlohmann::json kept = nlohmann::json::array();
        for (size_t e = 0; e < faq.rules[i].def->evidence.size(); ++e) {
          if (faq.rules[i].def->evidence[e].value.text != "user.status") kept.push_back(evidence[e]);
        }
        evidence = kept;
      }
      DiagnosisJson json;
      DiagnosisSummary summary = (*book)->Diagnose(faq.faq->id, ctx, filter, &json);
      INFO(test.name << " / " << faq.faq->id);
      REQUIRE(json.findings == DumpJson(expected["findings"]));
      REQUIRE(json.checked == DumpJson(expected["checked"]));
      REQUIRE(json.unknown == DumpJson(expected["unknown"]));
      REQUIRE(json.suppressed == DumpJson(expected["suppressed"]));
      REQUIRE(summary.causes.size() == d.findings.size());
      bool blocking = false;
      for (size_t i = 0; i < d.findings.size(); ++i) {
        REQUIRE(summary.causes[i] == d.findings[i].cause);
        blocking = blocking || d.findings[i].severity == Severity::kBlocking;
      }
      REQUIRE(summary.blocking == blocking);
      ++compared;
      seen[0] += !d.findings.empty();
      seen[1] += !d.checked.empty();
      seen[2] += !d.unknown.empty();
    }
  }
  REQUIRE(compared > 1000);
  REQUIRE(seen[0] > 100);
  REQUIRE(seen[1] > 100);
  REQUIRE(seen[2] > 100);
}

TEST_CASE("Rulebook::AnswerJson is the escaped answer of each FAQ") {
  StatusOr<std::shared_ptr<const Rulebook>> book = Rulebook::Load(kRules);
  REQUIRE(book.ok());
  for (const FaqDef& faq : (*book)->faqs()) {
    const std::string* json = (*book)->AnswerJson(faq);
    REQUIRE(json != nullptr);
    std::string expected;
    AppendJsonString(faq.answer, &expected);
    REQUIRE(*json == expected);
  }
  FaqDef stranger;
  REQUIRE((*book)->AnswerJson(stranger) == nullptr);
}
