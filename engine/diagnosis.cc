// Renders recorded rule outcomes into findings, checked and unknown rules;
// see diagnosis.h.
#include "engine/diagnosis.h"

#include <algorithm>

#include "engine/facts_json.h"
#include "engine/template.h"
#include "engine/time_util.h"

namespace whyd {
namespace {

// Dates and times in ISO form: a `because` is read next to the facts, which
// are ISO too.
void AppendPlain(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kDate: *out += FormatDateIso(v.as_date()); return;
    case Kind::kTime: *out += FormatTimestampIso(v.as_time()); return;
    case Kind::kString: *out += '"'; out->append(v.as_string()); *out += '"'; return;
    default: AppendValue(v, out); return;
  }
}

bool IsLiteral(const std::string& text) {
  if (text.empty()) return false;
  char c = text[0];
  return c == '"' || c == '\'' || c == '[' || (c >= '0' && c <= '9') || c == '-' || text == "true" ||
         text == "false" || text == "null";
}

// Words for "the comparison did not hold", by operator and the kind compared.
std::string_view FailedComparison(std::string_view op, Kind kind) {
  bool temporal = kind == Kind::kDate || kind == Kind::kTime;
  if (op == "==") return "is not";
  if (op == "!=") return "is";
  if (op == "<") return temporal ? "is not before" : "is not less than";
  if (op == "<=") return temporal ? "is after" : "is greater than";
  if (op == ">") return temporal ? "is not after" : "is not greater than";
  if (op == ">=") return temporal ? "is before" : "is less than";
  if (op == "in") return "is not in";
  if (op == "not in") return "is in";
  return "";
}

void DescribeCondition(const Condition& c, const ConditionOutcome& o, std::string* out) {
  std::string_view words = FailedComparison(c.op, o.lhs.kind() == Kind::kAbsent ? o.rhs.kind() : o.lhs.kind());
  if (words.empty() || c.lhs_text.empty()) {
    *out += c.text;
    *out += " is false";
    return;
  }
  *out += c.lhs_text;
  if (!IsLiteral(c.lhs_text)) {
    *out += ' ';
    AppendPlain(o.lhs, out);
  }
  *out += ' ';
  out->append(words);
  *out += ' ';
  if (IsLiteral(c.rhs_text)) {
    *out += c.rhs_text;
  } else {
    *out += c.rhs_text;
    *out += " (";
    AppendPlain(o.rhs, out);
    *out += ')';
  }
}

}  // namespace

std::string ExplainFailure(const CompiledRule& rule, const RuleOutcome& outcome) {
  std::string out;
  out.reserve(128);  // most are shorter: one allocation rather than three or four
  const auto& conditions = rule.when->conditions();
  std::vector<int> described;
  for (const ConditionOutcome& o : outcome.trace.outcomes()) {
    if (o.outcome != Tri::kFalse || o.condition < 0 || o.condition >= static_cast<int>(conditions.size())) continue;
    const Condition& c = conditions[o.condition];
    if (c.in_lambda) continue;
    if (std::find(described.begin(), described.end(), o.condition) != described.end()) continue;
    described.push_back(o.condition);
    if (!out.empty()) out += "; ";
    DescribeCondition(c, o, &out);
  }
  if (out.empty()) out = "not (" + rule.when->text() + ")";
  return out;
}

PreparedFailure PrepareFailure(const CompiledRule& rule) {
  PreparedFailure p;
  const auto& conditions = rule.when->conditions();
  p.parts.reserve(conditions.size());
  for (const Condition& c : conditions) {
    PreparedFailure::Part part;
    // Whether there are words depends on the operator only; which words, on
    // the kind compared (known only from the values).
    part.described = !FailedComparison(c.op, Kind::kInt).empty() && !c.lhs_text.empty();
    if (!part.described) {
      part.lead = c.text + " is false";
    } else {
      part.lhs_value = !IsLiteral(c.lhs_text);
      part.rhs_value = !IsLiteral(c.rhs_text);
      part.lead = c.lhs_text;
      if (part.lhs_value) part.lead += ' ';
      part.temporal_words = FailedComparison(c.op, Kind::kDate);
      part.other_words = FailedComparison(c.op, Kind::kInt);
      part.rhs = c.rhs_text;
      if (part.rhs_value) part.rhs += " (";
    }
    p.parts.push_back(std::move(part));
  }
  p.fallback = "not (" + rule.when->text() + ")";
  return p;
}

void AppendFailure(const CompiledRule& rule, const PreparedFailure& prepared, const RuleOutcome& outcome,
                   std::string* out) {
  const size_t start = out->size();
  const auto& conditions = rule.when->conditions();
  const int count = static_cast<int>(std::min(conditions.size(), prepared.parts.size()));
  const auto& outcomes = outcome.trace.outcomes();
  uint64_t described = 0;  // conditions below 64 already described; the rest are looked up
  for (size_t k = 0; k < outcomes.size(); ++k) {
    const ConditionOutcome& o = outcomes[k];
    if (o.outcome != Tri::kFalse || o.condition < 0 || o.condition >= count) continue;
    if (conditions[o.condition].in_lambda) continue;
    if (o.condition < 64) {
      const uint64_t bit = uint64_t{1} << o.condition;
      if (described & bit) continue;
      described |= bit;
    } else {
      bool seen = false;
      for (size_t j = 0; j < k && !seen; ++j) {
        seen = outcomes[j].condition == o.condition && outcomes[j].outcome == Tri::kFalse;
      }
      if (seen) continue;
    }
    if (out->size() != start) out->append("; ");
    const PreparedFailure::Part& part = prepared.parts[o.condition];
    out->append(part.lead);
    if (!part.described) continue;
    if (part.lhs_value) AppendPlain(o.lhs, out);
    const Kind kind = o.lhs.kind() == Kind::kAbsent ? o.rhs.kind() : o.lhs.kind();
    *out += ' ';
    out->append(kind == Kind::kDate || kind == Kind::kTime ? part.temporal_words : part.other_words);
    *out += ' ';
    out->append(part.rhs);
    if (part.rhs_value) {
      AppendPlain(o.rhs, out);
      *out += ')';
    }
  }
  if (out->size() == start) out->append(prepared.fallback);
}

const Finding* Diagnosis::FindFinding(std::string_view cause) const {
  for (const Finding& f : findings) {
    if (f.cause == cause) return &f;
  }
  return nullptr;
}

nlohmann::json Diagnosis::ToJson() const {
  nlohmann::json out;
  out["findings"] = nlohmann::json::array();
  for (const Finding& f : findings) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const EvidenceItem& e : f.evidence) evidence.push_back({{"fact", e.fact}, {"value", e.value}});
    nlohmann::json remediation = nlohmann::json::array();
    for (const RemediationItem& r : f.remediation) remediation.push_back({{"actor", r.actor}, {"step", r.step}});
    out["findings"].push_back({{"rule", f.rule},
                               {"cause", f.cause},
                               {"severity", std::string(SeverityName(f.severity))},
                               {"explanation", f.explanation},
                               {"evidence", std::move(evidence)},
                               {"remediation", std::move(remediation)}});
  }
  out["checked"] = nlohmann::json::array();
  for (const CheckedRule& c : checked) out["checked"].push_back({{"rule", c.rule}, {"cause", c.cause}, {"because", c.because}});
  out["unknown"] = nlohmann::json::array();
  for (const UnknownRule& u : unknown) out["unknown"].push_back({{"rule", u.rule}, {"cause", u.cause}, {"missing", u.missing}});
  out["suppressed"] = nlohmann::json::array();
  for (const SuppressedRule& s : suppressed) {
    out["suppressed"].push_back({{"rule", s.rule}, {"cause", s.cause}, {"by", s.by}});
  }
  return out;
}

Diagnosis RenderDiagnosis(const DiagnosisScratch& scratch, const RenderOptions& options) {
  Diagnosis d;
  const FaqRules* faq = scratch.faq();
  if (faq == nullptr) return d;
  d.faq = faq->faq->id;
  const EvalContext& ctx = scratch.context();
  auto outcomes = scratch.outcomes();
  for (size_t i = 0; i < outcomes.size() && i < faq->rules.size(); ++i) {
    const CompiledRule& rule = faq->rules[i];
    const RuleDef& def = *rule.def;
    const RuleOutcome& o = outcomes[i];
    if (o.suppressed()) {
      d.suppressed.push_back({def.id, def.cause, faq->rules[o.suppressed_by].def->id});
      continue;
    }
    switch (o.result) {
      case Tri::kTrue: {
        Finding f;
        f.rule = def.id;
        f.cause = def.cause;
        f.severity = def.severity;
        rule.explain->Render(ctx, &f.explanation);
        for (const CompiledEvidence& e : rule.evidence) {
          if (options.show_evidence && !options.show_evidence(def, e.fact)) continue;
          f.evidence.push_back({e.fact, ValueToJson(e.value->Evaluate(ctx))});
        }
        for (const CompiledRemediation& r : rule.remediation) {
          if (options.show_remediation && !options.show_remediation(def, r.actor)) continue;
          f.remediation.push_back({r.actor, r.step->Render(ctx)});
        }
        d.findings.push_back(std::move(f));
        break;
      }
      case Tri::kFalse: {
        CheckedRule c{def.id, def.cause, ""};
        c.because = rule.because ? rule.because->Render(ctx) : ExplainFailure(rule, o);
        d.checked.push_back(std::move(c));
        break;
      }
      case Tri::kUnknown: {
        UnknownRule u{def.id, def.cause, {}};
        const auto& paths = rule.when->paths();
        for (int p : o.trace.missing()) {
          if (p < 0 || p >= static_cast<int>(paths.size())) continue;
          if (std::find(u.missing.begin(), u.missing.end(), paths[p]) == u.missing.end()) u.missing.push_back(paths[p]);
        }
        d.unknown.push_back(std::move(u));
        break;
      }
    }
  }
  return d;
}

}  // namespace whyd
