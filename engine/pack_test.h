// Pack tests: runs the `tests:` of rule packs and measures their coverage.
//
// A test states facts and a time and what the diagnosis must say (see
// docs/rule-language.md, "Tests"). The `facts:` form is run here, by the
// engine alone: the facts are read against the schema's root record
// (facts_json.h) and the FAQ's rules are diagnosed at `at`. The `state:` form
// needs the domain's fact gathering; the CLI provides it through
// StateFactSource, and without one such tests are reported as skipped.
//
// Coverage has two measures: condition coverage (every condition of every
// rule's `when` seen both true and false across the tests) and cause coverage
// (every rule holds in some test and fails in another).
//
// Thread-safety: RunPackTests is single-threaded and keeps no global state.
#ifndef WHYD_ENGINE_PACK_TEST_H_
#define WHYD_ENGINE_PACK_TEST_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/facts.h"
#include "engine/rule_set.h"
#include "engine/status.h"

namespace whyd {

// Gathers the facts of a `state:` test (an account-state snapshot with asker,
// subject and attachment) the way a live question would.
class StateFactSource {
 public:
  virtual ~StateFactSource() = default;
  virtual StatusOr<const Record*> Facts(const PackTestDef& test, const FaqDef& faq, FactArena& arena) = 0;
};

struct PackTestFailure {
  SourceLocation where;  // of the test
  std::string test;
  std::string message;  // "expected account_locked to hold, but it did not: <because>"
};

struct ConditionCoverage {
  std::string rule;
  std::string pack;
  std::string text;
  SourceLocation where;  // of the rule's `when`
  bool seen_true = false;
  bool seen_false = false;
};

struct RuleCoverage {
  std::string rule;
  std::string pack;
  SourceLocation where;
  bool held = false;     // in some test
  bool not_held = false;  // evaluated false (or suppressed) in some test
};

struct PackTestReport {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<PackTestFailure> failures;
  std::vector<PackTestFailure> skips;  // why each skipped test was skipped
  std::vector<ConditionCoverage> conditions;
  std::vector<RuleCoverage> rules;

  struct Percent {
    int covered = 0;  // condition outcomes seen (each condition counts twice: true and false)
    int total = 0;
    double percent() const { return total == 0 ? 100.0 : 100.0 * covered / total; }
  };
  // Condition coverage per pack id and in total.
  std::map<std::string, Percent> PackCoverage() const;
  Percent TotalCoverage() const;
  nlohmann::json ToJson() const;
};

// Runs every test of the rule set's packs. `state_source` may be null.
PackTestReport RunPackTests(const RuleSet& rules, StateFactSource* state_source = nullptr);

}  // namespace whyd

#endif  // WHYD_ENGINE_PACK_TEST_H_
