// Rulebook: everything whyd knows that comes from rule packs, loaded and
// compiled as one unit: the FAQ catalogue, the compiled rule set and the
// question matcher built from the packs' matching data.
//
// A rulebook is built completely or not at all (Load returns every pack error),
// then shared read-only; a reload builds a new one and swaps the shared_ptr, so
// in-flight requests finish on the rulebook they started with.
//
// Thread-safety: immutable after Load; safe to share across threads.
#ifndef WHYD_SERVER_RULEBOOK_H_
#define WHYD_SERVER_RULEBOOK_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/catalogue.h"
#include "engine/expression.h"
#include "engine/status.h"

namespace whyd {

struct FaqChoice {
  const FaqDef* faq = nullptr;
  double confidence = 0;
};

struct MatchOutcome {
  const FaqDef* faq = nullptr;  // null: nothing fits well enough
  double confidence = 0;
  std::vector<FaqChoice> alternatives;  // close runners-up, best first
  std::vector<std::string> matched;        // words and patterns that matched, for explanations
};

// Decides what of one evidence item the asker may see: appends the JSON text
// of the value to show to `json` and returns true, or returns false to drop
// the item. `path` is the evidence's fact path ("user.manager.email") or its
// label.
using EvidenceFilter = std::function<bool(std::string_view path, const Value& value, std::string* json)>;

// The parts of the answer (shared/spec/api.md) that a diagnosis renders, each
// the compact JSON text of one array, written as DumpJson writes it (object
// keys sorted). All four are empty when the FAQ has no rules to run.
struct DiagnosisJson {
  std::string findings;    // [{"cause", "evidence", "explanation", "remediation", "rule", "severity"}]
  std::string checked;     // [{"because", "cause", "rule"}]
  std::string unknown;     // [{"cause", "missing", "rule"}]
  std::string suppressed;  // [{"by", "cause", "rule"}]
};

// Counts of a diagnosis, for metrics and triage.
struct DiagnosisSummary {
  std::vector<std::string> causes;  // findings, most severe first
  bool blocking = false;
};

class Rulebook {
 public:
  // Loads every pack under `rules_dir`, compiles the rules against the account
  // schema and builds the matcher. On failure the message lists every error
  // as file:line:column: reason.
  static StatusOr<std::shared_ptr<const Rulebook>> Load(const std::string& rules_dir);
  ~Rulebook();

  const std::vector<FaqDef>& faqs() const;
  const FaqDef* FindFaq(std::string_view id) const;
  // Cause codes the FAQ's rules can report, in rule order.
  std::vector<std::string> CausesOf(std::string_view faq_id) const;
  size_t rule_count() const;

  MatchOutcome Match(std::string_view question) const;

  // The FAQ's answer text as a JSON string literal (quoted and escaped, as
  // AppendJsonString writes it), escaped once at load; null for an FAQ that
  // is not this rulebook's.
  const std::string* AnswerJson(const FaqDef& faq) const;

  // Runs every rule of the FAQ over the facts in `ctx` and writes the
  // answer's "findings", "checked", "unknown" and "suppressed" to `out`,
  // evidence passed through `filter`.
  DiagnosisSummary Diagnose(std::string_view faq_id, const EvalContext& ctx,
                            const EvidenceFilter& filter, DiagnosisJson* out) const;

 private:
  struct Impl;
  explicit Rulebook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_RULEBOOK_H_
