// Runs pack tests and measures condition and cause coverage; see pack_test.h.
#include "engine/pack_test.h"

#include <algorithm>

#include "engine/diagnosis.h"
#include "engine/facts_json.h"

namespace whyd {
namespace {

struct RuleRef {
  const FaqRules* faq;
  int index;
};

// Rules of the FAQ a test expectation names, by cause code or rule id.
std::vector<int> RulesNamed(const FaqRules& faq, const std::string& name) {
  std::vector<int> out;
  for (size_t i = 0; i < faq.rules.size(); ++i) {
    if (faq.rules[i].def->cause == name || faq.rules[i].def->id == name) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::string DescribeOutcome(const CompiledRule& rule, const RuleOutcome& o, const Diagnosis& d) {
  if (o.suppressed()) return "it was suppressed";
  switch (o.result) {
    case Tri::kTrue: return "it held";
    case Tri::kFalse: return "it did not hold: " + ExplainFailure(rule, o);
    case Tri::kUnknown:
      for (const UnknownRule& u : d.unknown) {
        if (u.rule == rule.def->id) {
          std::string missing;
          for (const std::string& m : u.missing) missing += (missing.empty() ? "" : ", ") + m;
          return "it was unknown (missing " + (missing.empty() ? std::string("facts") : missing) + ")";
        }
      }
      return "it was unknown";
  }
  return "";
}

}  // namespace

std::map<std::string, PackTestReport::Percent> PackTestReport::PackCoverage() const {
  std::map<std::string, Percent> out;
  for (const ConditionCoverage& c : conditions) {
    Percent& p = out[c.pack];
    p.total += 2;
    p.covered += (c.seen_true ? 1 : 0) + (c.seen_false ? 1 : 0);
  }
  return out;
}

PackTestReport::Percent PackTestReport::TotalCoverage() const {
  Percent total;
  for (const auto& [pack, p] : PackCoverage()) {
    total.covered += p.covered;
    total.total += p.total;
  }
  return total;
}

nlohmann::json PackTestReport::ToJson() const {
  nlohmann::json out;
  out["passed"] = passed;
  out["failed"] = failed;
  out["skipped"] = skipped;
  auto failures_json = [](const std::vector<PackTestFailure>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (const PackTestFailure& f : list) {
      a.push_back({{"where", f.where.ToString()}, {"test", f.test}, {"message", f.message}});
    }
    return a;
  };
  out["failures"] = failures_json(failures);
  out["skips"] = failures_json(skips);
  nlohmann::json packs = nlohmann::json::object();
  for (const auto& [pack, p] : PackCoverage()) packs[pack] = {{"covered", p.covered}, {"total", p.total}, {"percent", p.percent()}};
  Percent total = TotalCoverage();
  out["condition_coverage"] = {{"packs", packs}, {"covered", total.covered}, {"total", total.total}, {"percent", total.percent()}};
  nlohmann::json uncovered = nlohmann::json::array();
  for (const ConditionCoverage& c : conditions) {
    if (c.seen_true && c.seen_false) continue;
    uncovered.push_back({{"rule", c.rule}, {"condition", c.text}, {"where", c.where.ToString()},
                         {"seen_true", c.seen_true}, {"seen_false", c.seen_false}});
  }
  out["uncovered_conditions"] = uncovered;
  nlohmann::json rules_json = nlohmann::json::array();
  for (const RuleCoverage& r : rules) {
    if (r.held && r.not_held) continue;
    rules_json.push_back({{"rule", r.rule}, {"where", r.where.ToString()}, {"held", r.held}, {"not_held", r.not_held}});
  }
  out["rules_missing_cases"] = rules_json;
  return out;
}

PackTestReport RunPackTests(const RuleSet& rules, StateFactSource* state_source) {
  PackTestReport report;
  // Coverage slots, indexed by FAQ, then rule, then condition.
  std::vector<std::vector<int>> condition_base(rules.faqs().size());
  std::vector<int> rule_base(rules.faqs().size());
  for (size_t f = 0; f < rules.faqs().size(); ++f) {
    const FaqRules& faq = rules.faqs()[f];
    rule_base[f] = static_cast<int>(report.rules.size());
    for (const CompiledRule& rule : faq.rules) {
      report.rules.push_back({rule.def->id, rule.def->pack, rule.def->where});
      condition_base[f].push_back(static_cast<int>(report.conditions.size()));
      for (const Condition& c : rule.when->conditions()) {
        report.conditions.push_back({rule.def->id, rule.def->pack, c.text, rule.def->when.where});
      }
    }
  }
  FactArena arena;
  DiagnosisScratch scratch;
  for (const PackTestDef& test : rules.packs().tests()) {
    auto fail = [&](std::string message) {
      report.failures.push_back({test.where, test.name, std::move(message)});
    };
    const FaqRules* faq = rules.FindFaq(test.faq);
    if (faq == nullptr) {
      ++report.failed;
      fail("test names unknown FAQ '" + test.faq + "'");
      continue;
    }
    const size_t faq_index = static_cast<size_t>(faq - rules.faqs().data());
    arena.Reset();
    const Record* root = nullptr;
    if (test.has_state) {
      if (state_source == nullptr) {
        ++report.skipped;
        report.skips.push_back({test.where, test.name, "skipped: `state:` tests need the domain's fact gathering"});
        continue;
      }
      StatusOr<const Record*> facts = state_source->Facts(test, *faq->faq, arena);
      if (!facts.ok()) {
        ++report.failed;
        fail("cannot gather facts from `state:`: " + facts.status().message());
        continue;
      }
      root = *facts;
    } else {
      StatusOr<const Record*> facts = RecordFromJson(test.facts, *rules.schema().root(), arena);
      if (!facts.ok()) {
        ++report.failed;
        fail("bad `facts:`: " + facts.status().message());
        continue;
      }
      root = *facts;
    }
    EvalContext ctx{root, test.at, &arena};
    rules.Diagnose(*faq, ctx, &scratch);
    Diagnosis d = RenderDiagnosis(scratch);
    auto outcomes = scratch.outcomes();

    for (size_t i = 0; i < faq->rules.size(); ++i) {
      const RuleOutcome& o = outcomes[i];
      RuleCoverage& rc = report.rules[rule_base[faq_index] + static_cast<int>(i)];
      if (o.result == Tri::kTrue) rc.held = true;
      if (o.result == Tri::kFalse) rc.not_held = true;
      int base = condition_base[faq_index][i];
      for (const ConditionOutcome& co : o.trace.outcomes()) {
        ConditionCoverage& cc = report.conditions[base + co.condition];
        if (co.outcome == Tri::kTrue) cc.seen_true = true;
        if (co.outcome == Tri::kFalse) cc.seen_false = true;
      }
    }

    size_t failures_before = report.failures.size();
    auto check = [&](const std::vector<std::string>& names, const char* expected, auto matches) {
      for (const std::string& name : names) {
        std::vector<int> named = RulesNamed(*faq, name);
        if (named.empty()) {
          fail("no rule of FAQ '" + test.faq + "' has cause or id '" + name + "'");
          continue;
        }
        bool ok = std::any_of(named.begin(), named.end(), [&](int i) { return matches(outcomes[i]); });
        if (!ok) {
          const CompiledRule& rule = faq->rules[named.front()];
          fail("expected " + name + " " + expected + ", but " + DescribeOutcome(rule, outcomes[named.front()], d));
        }
      }
    };
    check(test.holds, "to hold", [](const RuleOutcome& o) { return o.result == Tri::kTrue && !o.suppressed(); });
    check(test.not_holds, "not to hold",
          [](const RuleOutcome& o) { return o.result == Tri::kFalse || o.suppressed(); });
    check(test.unknown, "to be unknown", [](const RuleOutcome& o) { return o.result == Tri::kUnknown; });
    for (const auto& [name, text] : test.explanation_contains) {
      std::vector<int> named = RulesNamed(*faq, name);
      const Finding* finding = nullptr;
      for (const Finding& f : d.findings) {
        if (f.cause == name || f.rule == name) finding = &f;
      }
      if (named.empty()) {
        fail("no rule of FAQ '" + test.faq + "' has cause or id '" + name + "'");
      } else if (finding == nullptr) {
        fail("expected an explanation for " + name + ", but " +
             DescribeOutcome(faq->rules[named.front()], outcomes[named.front()], d));
      } else if (finding->explanation.find(text) == std::string::npos) {
        fail("explanation of " + name + " does not contain \"" + text + "\": \"" + finding->explanation + "\"");
      }
    }
    if (report.failures.size() == failures_before) {
      ++report.passed;
    } else {
      ++report.failed;
    }
  }
  return report;
}

}  // namespace whyd
