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

namespace {

// What Diagnose writes for one rule that does not depend on the facts, as
// JSON text ready to append: the rule's id, cause, severity, evidence labels,
// remediation actors and constant remediation steps, escaped and wrapped in
// the keys around them once, when the rulebook is loaded, rather than on
// every answer.
struct RuleJson {
  std::string id;                  // "<id>" (a suppressed rule's `by`)
  std::string finding_head;        // {"cause":"<cause>","evidence":[
  std::string finding_tail;        // ],"rule":"<id>","severity":"<severity>"}
  std::vector<std::string> evidence_heads;     // {"fact":"<fact>","value":
  std::vector<std::string> remediation_heads;  // {"actor":"<actor>","step":
  std::vector<std::string> remediation_steps;  // "<step>" when the step has no holes, else empty
  std::string cause_rule_tail;     // ,"cause":"<cause>","rule":"<id>"} (checked and suppressed)
  std::string unknown_head;        // {"cause":"<cause>","missing":
  std::string unknown_tail;        // ,"rule":"<id>"}
  PreparedFailure failure;         // the `because` when the author gave none
};

}  // namespace

struct Rulebook::Impl {
  std::unique_ptr<RuleSet> rules;
  std::unique_ptr<QuestionMatcher> matcher;
  std::unordered_map<std::string, const FaqDef*> faq_by_id;
  std::vector<std::vector<RuleJson>> rule_json;  // parallel to rules->faqs() and their rules
  // RuleSet::FindFaq without building a std::string of the id on every ask;
  // the keys view the ids of rules' FaqDefs.
  std::unordered_map<std::string_view, size_t> faq_rules_by_id;  // index into rules->faqs()
  std::unordered_map<const FaqDef*, std::string> answer_json;  // each FAQ's answer text as a JSON string
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

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

RuleJson PrepareRuleJson(const CompiledRule& rule) {
  const RuleDef& def = *rule.def;
  RuleJson j;
  j.id = JsonString(def.id);
  const std::string cause = JsonString(def.cause);
  j.finding_head = "{\"cause\":" + cause + ",\"evidence\":[";
  j.finding_tail = "],\"rule\":" + j.id + ",\"severity\":" + JsonString(SeverityText(def.severity)) + "}";
  for (const CompiledEvidence& e : rule.evidence) j.evidence_heads.push_back("{\"fact\":" + JsonString(e.fact) + ",\"value\":");
  for (const CompiledRemediation& r : rule.remediation) {
    j.remediation_heads.push_back("{\"actor\":" + JsonString(r.actor) + ",\"step\":");
    j.remediation_steps.push_back(r.step->constant() ? JsonString(r.step->Render(EvalContext{})) : std::string());
  }
  j.cause_rule_tail = ",\"cause\":" + cause + ",\"rule\":" + j.id + "}";
  j.unknown_head = "{\"cause\":" + cause + ",\"missing\":";
  j.unknown_tail = ",\"rule\":" + j.id + "}";
  j.failure = PrepareFailure(rule);
  return j;
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
  for (const FaqDef& faq : loaded.faqs()) impl->answer_json[&faq] = JsonString(faq.answer);
  impl->rule_json.reserve(impl->rules->faqs().size());
  for (const FaqRules& faq : impl->rules->faqs()) {
    impl->rule_count += faq.rules.size();
    impl->faq_rules_by_id.emplace(faq.faq->id, impl->rule_json.size());
    std::vector<RuleJson>& texts = impl->rule_json.emplace_back();
    texts.reserve(faq.rules.size());
    for (const CompiledRule& rule : faq.rules) texts.push_back(PrepareRuleJson(rule));
  }
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

const std::string* Rulebook::AnswerJson(const FaqDef& faq) const {
  auto it = impl_->answer_json.find(&faq);
  return it == impl_->answer_json.end() ? nullptr : &it->second;
}

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
  const auto found = impl_->faq_rules_by_id.find(faq_id);
  if (found == impl_->faq_rules_by_id.end()) return summary;
  const FaqRules* faq = &impl_->rules->faqs()[found->second];
  const std::vector<RuleJson>& json = impl_->rule_json[found->second];
  // One scratch per thread: its buffers keep their capacity across requests.
  thread_local DiagnosisScratch scratch;
  thread_local std::string text;   // one rendered text, before it is escaped
  thread_local std::string shown;  // one evidence value's JSON text
  impl_->rules->Diagnose(*faq, ctx, &scratch);

  // The parts are written as JSON text, never as a tree (building, dumping
  // and freeing nlohmann objects was about a quarter of an answer's CPU), and
  // straight from the recorded outcomes: no Diagnosis (RenderDiagnosis) is
  // built, and what does not depend on the facts was escaped at load time
  // (RuleJson). The bytes are those of DumpJson of Diagnosis::ToJson()'s
  // parts, object keys in sorted order, as nlohmann's std::map puts them; a
  // test compares the two for every FAQ.
  // Room for what the demo's answers need, so that the texts are not moved
  // as they grow (findings run to about 1.3 KiB, checked rules to 1.7).
  std::string& findings = out->findings;
  std::string& checked = out->checked;
  std::string& unknown = out->unknown;
  std::string& suppressed = out->suppressed;
  findings.reserve(2048);
  checked.reserve(2048);
  findings += '[';
  checked += '[';
  unknown += '[';
  suppressed += '[';
  bool any_finding = false, any_checked = false, any_unknown = false, any_suppressed = false;
  auto outcomes = scratch.outcomes();
  for (size_t i = 0; i < outcomes.size() && i < faq->rules.size(); ++i) {
    const CompiledRule& rule = faq->rules[i];
    const RuleJson& rj = json[i];
    const RuleOutcome& o = outcomes[i];
    if (o.suppressed()) {
      if (any_suppressed) suppressed += ',';
      any_suppressed = true;
      suppressed += "{\"by\":";
      suppressed += json[static_cast<size_t>(o.suppressed_by)].id;
      suppressed += rj.cause_rule_tail;
      continue;
    }
    switch (o.result) {
      case Tri::kTrue: {
        summary.causes.push_back(rule.def->cause);
        summary.blocking = summary.blocking || rule.def->severity == Severity::kBlocking;
        if (any_finding) findings += ',';
        any_finding = true;
        findings += rj.finding_head;
        // Evidence is rendered here rather than by the engine because what an
        // asker may see depends on the value (which users a list holds), not
        // just its label.
        bool first = true;
        for (size_t e = 0; e < rule.evidence.size(); ++e) {
          Value value = rule.evidence[e].value->Evaluate(ctx);
          const std::string& path = rule.def->evidence[e].value.text;
          shown.clear();
          if (!filter || !filter(path, value, &shown)) continue;
          if (!first) findings += ',';
          first = false;
          findings += rj.evidence_heads[e];
          findings += shown;
          findings += '}';
        }
        findings += "],\"explanation\":";
        text.clear();
        rule.explain->Render(ctx, &text);
        AppendJsonString(text, &findings);
        findings += ",\"remediation\":[";
        for (size_t r = 0; r < rule.remediation.size(); ++r) {
          if (r > 0) findings += ',';
          findings += rj.remediation_heads[r];
          if (!rj.remediation_steps[r].empty()) {
            findings += rj.remediation_steps[r];
          } else {
            text.clear();
            rule.remediation[r].step->Render(ctx, &text);
            AppendJsonString(text, &findings);
          }
          findings += '}';
        }
        findings += rj.finding_tail;
        break;
      }
      case Tri::kFalse: {
        if (any_checked) checked += ',';
        any_checked = true;
        checked += "{\"because\":";
        text.clear();
        if (rule.because) rule.because->Render(ctx, &text);
        else AppendFailure(rule, rj.failure, o, &text);
        AppendJsonString(text, &checked);
        checked += rj.cause_rule_tail;
        break;
      }
      case Tri::kUnknown: {
        if (any_unknown) unknown += ',';
        any_unknown = true;
        unknown += rj.unknown_head;
        unknown += '[';
        // Each missing path once, in the order first found.
        const auto& paths = rule.when->paths();
        const auto& missing = o.trace.missing();
        bool first = true;
        for (size_t m = 0; m < missing.size(); ++m) {
          const int p = missing[m];
          if (p < 0 || p >= static_cast<int>(paths.size())) continue;
          bool seen = false;
          for (size_t k = 0; k < m && !seen; ++k) {
            const int q = missing[k];
            seen = q >= 0 && q < static_cast<int>(paths.size()) && paths[q] == paths[p];
          }
          if (seen) continue;
          if (!first) unknown += ',';
          first = false;
          AppendJsonString(paths[p], &unknown);
        }
        unknown += ']';
        unknown += rj.unknown_tail;
        break;
      }
    }
  }
  findings += ']';
  checked += ']';
  unknown += ']';
  suppressed += ']';
  return summary;
}

}  // namespace whyd
