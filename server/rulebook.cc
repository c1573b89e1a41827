// Loading and using the rulebook; see rulebook.h.
#include "server/rulebook.h"

#include <future>

#include <unordered_map>

#include "engine/diagnosis.h"
#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "knowledge/account_schema.h"
#include "knowledge/question_matcher.h"

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
                                    const EvidenceFilter& filter, nlohmann::json* answer) const {
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
  Diagnosis diagnosis = RenderDiagnosis(scratch, options);

  // The parts are built member by member, moving the rendered strings in:
  // nlohmann's {{"name", value}, ...} form makes every member a two-element
  // array and then copies it into the object, and building these few dozen
  // small objects that way was about a sixth of the CPU of an answer.
  nlohmann::json findings = nlohmann::json::array();
  for (Finding& finding : diagnosis.findings) {
    summary.causes.push_back(finding.cause);
    summary.blocking = summary.blocking || finding.severity == Severity::kBlocking;
    nlohmann::json evidence = nlohmann::json::array();
    for (const CompiledRule& rule : faq->rules) {
      if (rule.def->id != finding.rule) continue;
      for (size_t i = 0; i < rule.evidence.size(); ++i) {
        const CompiledEvidence& item = rule.evidence[i];
        Value value = item.value->Evaluate(ctx);
        const std::string& path = rule.def->evidence[i].value.text;
        std::optional<nlohmann::json> shown = filter ? filter(path, value) : std::nullopt;
        if (!shown) continue;
        nlohmann::json& out = evidence.emplace_back(nlohmann::json::object());
        out.emplace("fact", item.fact);
        out.emplace("value", std::move(*shown));
      }
    }
    nlohmann::json remediation = nlohmann::json::array();
    for (RemediationItem& step : finding.remediation) {
      nlohmann::json& out = remediation.emplace_back(nlohmann::json::object());
      out.emplace("actor", std::move(step.actor));
      out.emplace("step", std::move(step.step));
    }
    nlohmann::json& out = findings.emplace_back(nlohmann::json::object());
    out.emplace("rule", std::move(finding.rule));
    out.emplace("cause", std::move(finding.cause));
    out.emplace("severity", SeverityText(finding.severity));
    out.emplace("explanation", std::move(finding.explanation));
    out.emplace("evidence", std::move(evidence));
    out.emplace("remediation", std::move(remediation));
  }
  nlohmann::json checked = nlohmann::json::array();
  for (CheckedRule& c : diagnosis.checked) {
    nlohmann::json& out = checked.emplace_back(nlohmann::json::object());
    out.emplace("rule", std::move(c.rule));
    out.emplace("cause", std::move(c.cause));
    out.emplace("because", std::move(c.because));
  }
  nlohmann::json unknown = nlohmann::json::array();
  for (UnknownRule& u : diagnosis.unknown) {
    nlohmann::json& out = unknown.emplace_back(nlohmann::json::object());
    out.emplace("rule", std::move(u.rule));
    out.emplace("cause", std::move(u.cause));
    out.emplace("missing", std::move(u.missing));
  }
  nlohmann::json suppressed = nlohmann::json::array();
  for (SuppressedRule& s : diagnosis.suppressed) {
    nlohmann::json& out = suppressed.emplace_back(nlohmann::json::object());
    out.emplace("rule", std::move(s.rule));
    out.emplace("cause", std::move(s.cause));
    out.emplace("by", std::move(s.by));
  }
  (*answer)["findings"] = std::move(findings);
  (*answer)["checked"] = std::move(checked);
  (*answer)["unknown"] = std::move(unknown);
  (*answer)["suppressed"] = std::move(suppressed);
  return summary;
}

}  // namespace whyd
