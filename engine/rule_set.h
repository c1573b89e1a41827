// RuleSet: the rules of all packs, compiled once against a Schema.
//
// Compile() turns the loader's RuleDefs into compiled expressions and
// templates, groups them per FAQ in the order answers list them (severity
// blocking < warning < info, then `order`, then file order) and resolves
// `suppresses` links to indices. Every compile problem (expression and
// template errors mapped to the YAML file:line:column, a `when` that is not
// boolean, a rule for an unknown FAQ, suppression of an unknown rule) is
// reported as a PackIssue.
//
// Diagnose() is the hot path: it evaluates every rule of one FAQ, recording
// each rule's Tri and the trace of its conditions into a caller-owned
// DiagnosisScratch, and applies suppression. It builds no strings; rendering
// the outcome into an answer is a separate step (diagnosis.h).
//
// Thread-safety: a compiled RuleSet is immutable and shared across threads;
// each thread brings its own DiagnosisScratch and EvalContext.
#ifndef WHYD_ENGINE_RULE_SET_H_
#define WHYD_ENGINE_RULE_SET_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/expression.h"
#include "engine/pack_loader.h"
#include "engine/schema.h"
#include "engine/status.h"
#include "engine/template.h"

namespace whyd {

struct CompiledEvidence {
  std::string fact;
  std::unique_ptr<Expression> value;
};

struct CompiledRemediation {
  std::string actor;
  std::unique_ptr<Template> step;
};

struct CompiledRule {
  const RuleDef* def = nullptr;  // owned by the RuleSet's PackSet
  std::unique_ptr<Expression> when;
  std::unique_ptr<Template> explain;
  std::unique_ptr<Template> because;  // null when the author gave none
  std::vector<CompiledEvidence> evidence;
  std::vector<CompiledRemediation> remediation;
  std::vector<int> suppresses;  // indices into the FAQ's rules
};

// The rules of one FAQ, in answer order.
struct FaqRules {
  const FaqDef* faq = nullptr;
  std::vector<CompiledRule> rules;
};

// What evaluating one rule saw.
struct RuleOutcome {
  Tri result = Tri::kUnknown;
  int suppressed_by = -1;  // index of the holding rule that hides this one, or -1
  Trace trace;
  bool suppressed() const { return suppressed_by >= 0; }
};

// Per-thread, reusable state of one diagnosis: after a warm-up, Diagnose()
// does not allocate.
class DiagnosisScratch {
 public:
  const FaqRules* faq() const { return faq_; }
  const EvalContext& context() const { return context_; }
  // One outcome per rule of faq(), in the same order.
  std::span<const RuleOutcome> outcomes() const { return {outcomes_.data(), count_}; }

 private:
  friend class RuleSet;
  const FaqRules* faq_ = nullptr;
  EvalContext context_;
  std::vector<RuleOutcome> outcomes_;  // grows to the largest FAQ seen; never shrinks
  size_t count_ = 0;
};

class RuleSet {
 public:
  // Never returns null; check ok(). Keeps its own copy of the packs.
  static std::unique_ptr<RuleSet> Compile(PackSet packs, const Schema& schema);

  bool ok() const { return error_count_ == 0; }
  // Loader issues followed by compile issues.
  const std::vector<PackIssue>& issues() const { return issues_; }
  std::vector<PackIssue> errors() const;
  const PackSet& packs() const { return packs_; }
  const Schema& schema() const { return *schema_; }

  const FaqRules* FindFaq(std::string_view faq_id) const;
  const std::vector<FaqRules>& faqs() const { return faqs_; }

  // Evaluates every rule of the FAQ against ctx into *scratch. ctx.scratch
  // must be set when rules build lists or strings (where(), lower(), ...).
  Status Diagnose(std::string_view faq_id, const EvalContext& ctx, DiagnosisScratch* scratch) const;
  void Diagnose(const FaqRules& faq, const EvalContext& ctx, DiagnosisScratch* scratch) const;

 private:
  RuleSet() = default;
  void AddIssue(SourceLocation where, std::string message, PackIssue::Level level = PackIssue::Level::kError);

  PackSet packs_;
  const Schema* schema_ = nullptr;
  std::vector<FaqRules> faqs_;
  std::unordered_map<std::string, int> faq_index_;
  std::vector<PackIssue> issues_;
  int error_count_ = 0;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_RULE_SET_H_
