// Loading and using the rulebook; see rulebook.h.
#include "server/rulebook.h"

#include <future>

#include <unordered_map>

#include "engine/diagnosis.h"
#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "knowledge/account_schema.h"
#include "knowledge/question_matcher.h"
#include "server/json_writer.h"

namespace whyd {

struct Rulebook::Impl {
  std::unique_ptr<RuleSet> rules;
  std::unique_ptr<QuestionMatcher> matcher;
  std::unordered_map<std::string, const FaqDef*> faq_by_id;
  size_t rule_count = 0;
};

namespace {

std::string JoinIssues(const std::vector<PackIssue>& issues) {
  std::string out;
  for (const PackIssue& issue : issues) {
    if (!out.empty()) out += '\n';
    out += issue.where.ToString() + ": " + issue.message;
  }
  return out;
}

const char* SeverityText(Severity s) {
  switch (s) {
    case Severity::kBlocking: return "blocking";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "info";
}

}  // namespace

Rulebook::Rulebook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Rulebook::~Rulebook() = default;

StatusOr<std::shared_ptr<const Rulebook>> Rulebook::Load(const std::string& rules_dir) {
  PackSet packs = PackSet::Load(rules_dir);
  if (!packs.ok()) return InvalidArgumentError(JoinIssues(packs.errors()));
  auto impl = std::make_unique<Impl>();
  // Building the matcher's index and compiling the rules take about as long
  // as each other and share nothing: the matcher builds from its own copy of
  // the catalogue (it keeps none of it) while the packs compile.
  auto matching = std::async(std::launch::async, [faqs = packs.faqs(), lexicon = packs.lexicon()] {
    return std::make_unique<QuestionMatcher>(faqs, lexicon);
  });
  impl->rules = RuleSet::Compile(std::move(packs), AccountSchema());
  impl->matcher = matching.get();
  if (!impl->rules->ok()) return InvalidArgumentError(JoinIssues(impl->rules->errors()));
  const PackSet& loaded = impl->rules->packs();
  if (!impl->matcher->ok()) {
    return InvalidArgumentError("question matching: " + impl->matcher->error().message());
  }
  for (const FaqDef& faq : loaded.faqs()) impl->faq_by_id[faq.id] = &faq;
  for (const FaqRules& faq : impl->rules->faqs()) impl->rule_count += faq.rules.size();
  return std::shared_ptr<const Rulebook>(new Rulebook(std::move(impl)));
}

const std::vector<FaqDef>& Rulebook::faqs() const { return impl_->rules->packs().faqs(); }

const FaqDef* Rulebook::FindFaq(std::string_view id) const {
  auto it = impl_->faq_by_id.find(std::string(id));
  return it == impl_->faq_by_id.end() ? nullptr : it->second;
}

std::vector<std::string> Rulebook::CausesOf(std::string_view faq_id) const {
  std::vector<std::string> causes;
  if (const FaqRules* faq = impl_->rules->FindFaq(faq_id)) {
    for (const CompiledRule& rule : faq->rules) causes.push_back(rule.def->cause);
  }
  return causes;
}

size_t Rulebook::rule_count() const { return impl_->rule_count; }

MatchOutcome Rulebook::Match(std::string_view question) const {
  MatchOutcome out;
  StatusOr<MatchResult> result = impl_->matcher->Match(question);
  if (!result.ok()) return out;
  auto confidence_of = [&](const std::string& id) {
    for (const FaqCandidate& c : result->ranked) {
      if (c.faq_id == id) return c.confidence;
    }
    return 0.0;
  };
  if (result->faq_id) out.faq = FindFaq(*result->faq_id);
  out.confidence = result->confidence;
  for (const std::string& id : result->alternatives) {
    if (const FaqDef* faq = FindFaq(id)) out.alternatives.push_back({faq, confidence_of(id)});
  }
  for (MatchEvidence& e : result->evidence) out.matched.push_back(std::move(e.text));
  return out;
}

DiagnosisSummary Rulebook::Diagnose(std::string_view faq_id, const EvalContext& ctx,
                                    const EvidenceFilter& filter, DiagnosisJson* out) const {
  DiagnosisSummary summary;
  const FaqRules* faq = impl_->rules->FindFaq(faq_id);
  if (faq == nullptr) return summary;
  // One scratch per thread: its buffers keep their capacity across requests.
  thread_local DiagnosisScratch scratch;
  impl_->rules->Diagnose(*faq, ctx, &scratch);
  // Evidence is rendered here rather than by the engine because what an asker
  // may see depends on the value (which users a list holds), not just its label.
  RenderOptions options;
  options.show_evidence = [](const RuleDef&, const std::string&) { return false; };
  const Diagnosis diagnosis = RenderDiagnosis(scratch, options);

  // The parts are written as JSON text, never as a tree (building, dumping
  // and freeing nlohmann objects was about a quarter of an answer's CPU).
  // Object keys go in sorted order, as nlohmann's std::map puts them.
  // Room for what the demo's answers need, so that the texts are not moved
  // as they grow (findings run to about 1.3 KiB, checked rules to 1.7).
  out->findings.reserve(2048);
  out->checked.reserve(2048);
  JsonWriter findings(&out->findings);
  findings.BeginArray();
  std::string shown;  // one evidence value's JSON text
  for (const Finding& finding : diagnosis.findings) {
    summary.causes.push_back(finding.cause);
    summary.blocking = summary.blocking || finding.severity == Severity::kBlocking;
    findings.BeginObject();
    findings.Key<"cause">();
    findings.String(finding.cause);
    findings.Key<"evidence">();
    findings.BeginArray();
    for (const CompiledRule& rule : faq->rules) {
      if (rule.def->id != finding.rule) continue;
      for (size_t i = 0; i < rule.evidence.size(); ++i) {
        const CompiledEvidence& item = rule.evidence[i];
        Value value = item.value->Evaluate(ctx);
        const std::string& path = rule.def->evidence[i].value.text;
        shown.clear();
        if (!filter || !filter(path, value, &shown)) continue;
        findings.BeginObject();
        findings.Key<"fact">();
        findings.String(item.fact);
        findings.Key<"value">();
        findings.Raw(shown);
        findings.EndObject();
      }
    }
    findings.EndArray();
    findings.Key<"explanation">();
    findings.String(finding.explanation);
    findings.Key<"remediation">();
    findings.BeginArray();
    for (const RemediationItem& step : finding.remediation) {
      findings.BeginObject();
      findings.Key<"actor">();
      findings.String(step.actor);
      findings.Key<"step">();
      findings.String(step.step);
      findings.EndObject();
    }
    findings.EndArray();
    findings.Key<"rule">();
    findings.String(finding.rule);
    findings.Key<"severity">();
    findings.String(SeverityText(finding.severity));
    findings.EndObject();
  }
  findings.EndArray();

  JsonWriter checked(&out->checked);
  checked.BeginArray();
  for (const CheckedRule& c : diagnosis.checked) {
    checked.BeginObject();
    checked.Key<"because">();
    checked.String(c.because);
    checked.Key<"cause">();
    checked.String(c.cause);
    checked.Key<"rule">();
    checked.String(c.rule);
    checked.EndObject();
  }
  checked.EndArray();

  JsonWriter unknown(&out->unknown);
  unknown.BeginArray();
  for (const UnknownRule& u : diagnosis.unknown) {
    unknown.BeginObject();
    unknown.Key<"cause">();
    unknown.String(u.cause);
    unknown.Key<"missing">();
    unknown.StringArray(u.missing);
    unknown.Key<"rule">();
    unknown.String(u.rule);
    unknown.EndObject();
  }
  unknown.EndArray();

  JsonWriter suppressed(&out->suppressed);
  suppressed.BeginArray();
  for (const SuppressedRule& s : diagnosis.suppressed) {
    suppressed.BeginObject();
    suppressed.Key<"by">();
    suppressed.String(s.by);
    suppressed.Key<"cause">();
    suppressed.String(s.cause);
    suppressed.Key<"rule">();
    suppressed.String(s.rule);
    suppressed.EndObject();
  }
  suppressed.EndArray();
  return summary;
}

}  // namespace whyd
