// Compiles pack rules and evaluates them per FAQ; see rule_set.h.
#include "engine/rule_set.h"

#include <algorithm>

namespace whyd {

std::vector<PackIssue> RuleSet::errors() const {
  std::vector<PackIssue> out;
  for (const PackIssue& i : issues_) {
    if (i.level == PackIssue::Level::kError) out.push_back(i);
  }
  return out;
}

void RuleSet::AddIssue(SourceLocation where, std::string message, PackIssue::Level level) {
  if (level == PackIssue::Level::kError) ++error_count_;
  issues_.push_back(PackIssue{std::move(where), std::move(message), level});
}

const FaqRules* RuleSet::FindFaq(std::string_view faq_id) const {
  auto it = faq_index_.find(std::string(faq_id));
  return it == faq_index_.end() ? nullptr : &faqs_[it->second];
}

std::unique_ptr<RuleSet> RuleSet::Compile(PackSet packs, const Schema& schema) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->packs_ = std::move(packs);
  set->schema_ = &schema;
  for (const PackIssue& issue : set->packs_.issues()) set->AddIssue(issue.where, issue.message, issue.level);

  const PackSet& p = set->packs_;
  for (const FaqDef& faq : p.faqs()) {
    set->faq_index_[faq.id] = static_cast<int>(set->faqs_.size());
    set->faqs_.push_back(FaqRules{&faq, {}});
  }
  std::vector<std::string> faq_ids;
  for (const FaqDef& faq : p.faqs()) faq_ids.push_back(faq.id);

  auto compile_error = [&](const SourceText& text, const CompileError& error, const std::string& what) {
    set->AddIssue(text.At(error.offset), "in " + what + ": " + error.message);
  };
  // Rules sorted once into answer order; file order breaks ties.
  std::vector<const RuleDef*> ordered;
  for (const RuleDef& r : p.rules()) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](const RuleDef* a, const RuleDef* b) {
    if (a->severity != b->severity) return a->severity < b->severity;
    if (a->order != b->order) return a->order < b->order;
    return a->file_order < b->file_order;
  });
  for (const RuleDef* def : ordered) {
    auto faq_it = set->faq_index_.find(def->faq);
    if (faq_it == set->faq_index_.end()) {
      std::string hint = ClosestName(def->faq, faq_ids);
      set->AddIssue(def->faq_where, "rule '" + def->id + "' is for unknown FAQ '" + def->faq + "'" +
                                        (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    CompiledRule rule;
    rule.def = def;
    rule.when = Expression::Compile(def->when.text, schema);
    if (!rule.when->ok()) {
      compile_error(def->when, rule.when->error(), "`when`");
    } else if (rule.when->type().kind != Kind::kBool && rule.when->type().kind != Kind::kAbsent) {
      set->AddIssue(def->when.where, "`when` must be true or false, but this is a " + rule.when->type().ToString());
    }
    rule.explain = Template::Compile(def->explain.text, schema);
    if (!rule.explain->ok()) compile_error(def->explain, rule.explain->error(), "`explain`");
    if (!def->because.empty()) {
      rule.because = Template::Compile(def->because.text, schema);
      if (!rule.because->ok()) compile_error(def->because, rule.because->error(), "`because`");
    }
    for (const EvidenceDef& e : def->evidence) {
      CompiledEvidence ce{e.fact, Expression::Compile(e.value.text, schema)};
      if (!ce.value->ok()) compile_error(e.value, ce.value->error(), "evidence '" + e.fact + "'");
      rule.evidence.push_back(std::move(ce));
    }
    for (const RemediationDef& r : def->remediation) {
      CompiledRemediation cr{r.actor, Template::Compile(r.step.text, schema)};
      if (!cr.step->ok()) compile_error(r.step, cr.step->error(), "remediation step");
      rule.remediation.push_back(std::move(cr));
    }
    set->faqs_[faq_it->second].rules.push_back(std::move(rule));
  }
  // Suppression links resolve within the FAQ: hiding a rule of another FAQ
  // would never take effect, so it is an error too.
  for (FaqRules& faq : set->faqs_) {
    for (CompiledRule& rule : faq.rules) {
      for (size_t k = 0; k < rule.def->suppresses.size(); ++k) {
        const std::string& target = rule.def->suppresses[k];
        SourceLocation where = k < rule.def->suppresses_where.size() ? rule.def->suppresses_where[k] : rule.def->where;
        auto it = std::find_if(faq.rules.begin(), faq.rules.end(),
                               [&](const CompiledRule& r) { return r.def->id == target; });
        if (it == faq.rules.end()) {
          std::vector<std::string> ids;
          for (const CompiledRule& r : faq.rules) ids.push_back(r.def->id);
          std::string hint = ClosestName(target, ids);
          set->AddIssue(where, "rule '" + rule.def->id + "' suppresses unknown rule '" + target + "' of FAQ '" +
                                   faq.faq->id + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          continue;
        }
        if (it->def == rule.def) {
          set->AddIssue(where, "rule '" + rule.def->id + "' suppresses itself");
          continue;
        }
        rule.suppresses.push_back(static_cast<int>(it - faq.rules.begin()));
      }
    }
  }
  return set;
}

Status RuleSet::Diagnose(std::string_view faq_id, const EvalContext& ctx, DiagnosisScratch* scratch) const {
  const FaqRules* faq = FindFaq(faq_id);
  if (faq == nullptr) return NotFoundError("no rules for FAQ '" + std::string(faq_id) + "'");
  Diagnose(*faq, ctx, scratch);
  return OkStatus();
}

void RuleSet::Diagnose(const FaqRules& faq, const EvalContext& ctx, DiagnosisScratch* scratch) const {
  scratch->faq_ = &faq;
  scratch->context_ = ctx;
  const size_t n = faq.rules.size();
  if (scratch->outcomes_.size() < n) scratch->outcomes_.resize(n);
  scratch->count_ = n;
  for (size_t i = 0; i < n; ++i) {
    RuleOutcome& out = scratch->outcomes_[i];
    out.trace.Clear();
    out.suppressed_by = -1;
    out.result = faq.rules[i].when->Test(ctx, &out.trace);
  }
  for (size_t i = 0; i < n; ++i) {
    if (scratch->outcomes_[i].result != Tri::kTrue) continue;
    for (int target : faq.rules[i].suppresses) {
      RuleOutcome& hidden = scratch->outcomes_[target];
      if (hidden.result == Tri::kTrue && hidden.suppressed_by < 0) hidden.suppressed_by = static_cast<int>(i);
    }
  }
}

}  // namespace whyd
