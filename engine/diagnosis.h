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

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
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

}  // namespace whyd

#endif  // WHYD_ENGINE_DIAGNOSIS_H_
