// Diagnosis: the rendered, self-explaining outcome of one FAQ's rules.
//
// RenderDiagnosis() turns what RuleSet::Diagnose() recorded (per rule: Tri,
// suppression, condition trace) into the answer parts of the HTTP API
// (shared/spec/api.md): findings for rules that hold (explanation, evidence,
// remediation), checked rules with a `because` (the author's override, else
// written from the trace: each failed condition with its expected and actual
// values), unknown rules naming the missing facts, and suppressed rules. This
// is where strings are built, once per answer, never on the evaluation path.
//
// The caller decides what an asker may see: RenderOptions takes filters for
// evidence and remediation (the server redacts by the asker's role).
//
// Thread-safety: pure functions over immutable rules and a caller-owned scratch.
#ifndef WHYD_ENGINE_DIAGNOSIS_H_
#define WHYD_ENGINE_DIAGNOSIS_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rule_set.h"

namespace whyd {

struct EvidenceItem {
  std::string fact;
  nlohmann::json value;
};

struct RemediationItem {
  std::string actor;
  std::string step;
};

struct Finding {
  std::string rule;
  std::string cause;
  Severity severity = Severity::kBlocking;
  std::string explanation;
  std::vector<EvidenceItem> evidence;
  std::vector<RemediationItem> remediation;
};

struct CheckedRule {
  std::string rule;
  std::string cause;
  std::string because;
};

struct UnknownRule {
  std::string rule;
  std::string cause;
  std::vector<std::string> missing;  // fact paths found absent
};

struct SuppressedRule {
  std::string rule;
  std::string cause;
  std::string by;  // id of the holding rule that hides it
};

struct Diagnosis {
  std::string faq;
  std::vector<Finding> findings;  // most severe first
  std::vector<CheckedRule> checked;
  std::vector<UnknownRule> unknown;
  std::vector<SuppressedRule> suppressed;

  const Finding* FindFinding(std::string_view cause) const;
  // {"findings": [...], "checked": [...], "unknown": [...], "suppressed": [...]}
  nlohmann::json ToJson() const;
};

struct RenderOptions {
  // Return false to leave an evidence item out (rule, evidence label).
  std::function<bool(const RuleDef&, const std::string& fact)> show_evidence;
  // Return false to leave a remediation step out (rule, actor).
  std::function<bool(const RuleDef&, const std::string& actor)> show_remediation;
};

// Renders the last Diagnose() recorded in `scratch`.
Diagnosis RenderDiagnosis(const DiagnosisScratch& scratch, const RenderOptions& options = {});

// The `because` text written from a rule's trace when the author gave none:
// "user.subscription_end 2027-09-01 is not before today() (2026-11-29)".
std::string ExplainFailure(const CompiledRule& rule, const RuleOutcome& outcome);

// The parts of ExplainFailure's text that do not depend on the facts, worked
// out once per rule (when the rules are loaded) rather than on every answer:
// per condition of the rule's `when`, the text before the left value, the
// words for each kind compared and the text before the right value.
struct PreparedFailure {
  struct Part {
    bool described = false;    // a comparison with words; else "<text> is false"
    bool lhs_value = false;    // the left side is not a literal: its value follows `lead`
    bool rhs_value = false;    // likewise the right side, in parentheses
    std::string lead;          // "<lhs_text>" [+ " "], or "<text> is false"
    std::string_view temporal_words;  // "is not before" (dates and times)
    std::string_view other_words;     // "is not less than"
    std::string rhs;           // "<rhs_text>" [+ " ("]
  };
  std::vector<Part> parts;     // one per condition of the rule's `when`
  std::string fallback;        // "not (<when>)"
};
PreparedFailure PrepareFailure(const CompiledRule& rule);

// Appends exactly the text ExplainFailure(rule, outcome) returns, using the
// parts prepared from the same rule, without building strings of its own.
void AppendFailure(const CompiledRule& rule, const PreparedFailure& prepared, const RuleOutcome& outcome,
                   std::string* out);

}  // namespace whyd

#endif  // WHYD_ENGINE_DIAGNOSIS_H_
