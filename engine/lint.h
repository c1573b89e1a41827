// Lint: every check a pack author wants before a pack ships.
//
// LintPacks() reports what the loader and the rule compiler report (syntax,
// unknown keys, types, duplicates, unknown facts and functions, type errors in
// expressions at their YAML line and column, suppression of unknown rules,
// rules for unknown FAQs) and adds checks that need a wider view: cause codes
// that the cause catalogue (shared/spec/causes.yaml) does not list for the
// rule's FAQ, catalogue causes of a pack's FAQ that no rule reports, severities
// that differ from the catalogue, FAQs without rules, tests that name unknown
// FAQs or causes, and contradictory conditions such as
// `x == "a" and x == "b"`.
//
// Thread-safety: pure functions over immutable inputs.
#ifndef WHYD_ENGINE_LINT_H_
#define WHYD_ENGINE_LINT_H_

#include <map>
#include <string>
#include <vector>

#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "engine/status.h"

namespace whyd {

// The cause catalogue: per FAQ id, each cause code with its severity.
struct CauseCatalogue {
  struct Cause {
    std::string severity;
  };
  std::map<std::string, std::map<std::string, Cause>> faqs;
  std::string file;
};

// Reads shared/spec/causes.yaml (`<faq>: {subject, causes: {code: {severity, when}}}`).
StatusOr<CauseCatalogue> LoadCauseCatalogue(const std::string& path);

// The catalogue next to a pack directory: the first `shared/spec/causes.yaml`
// found in the directory's ancestors; "" when there is none.
std::string FindCauseCatalogue(const std::string& pack_dir);

// All issues, errors first in file order then warnings. `causes` may be null
// (no catalogue checks).
std::vector<PackIssue> LintPacks(const RuleSet& rules, const CauseCatalogue* causes);

// Top-level conjuncts of `text` that contradict each other, as messages
// ("`user.status` cannot be both \"a\" and \"b\""); empty when none is found.
std::vector<std::string> FindContradictions(const std::string& text);

}  // namespace whyd

#endif  // WHYD_ENGINE_LINT_H_
