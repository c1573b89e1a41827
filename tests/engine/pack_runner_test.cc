// Pack test runner: expectation mismatches with their test's location,
// skipped `state:` tests, and condition and cause coverage.
#include <catch2/catch.hpp>

#include <string>

#include "engine/pack_test.h"

namespace whyd {
namespace {

const Schema& RunnerSchema() {
  static const Schema* schema = [] {
    auto* s = new Schema;
    RecordType* root = s->AddRecordType("facts");
    RecordType* user = s->AddRecordType("user");
    user->AddField("name", Type::Scalar(Kind::kString));
    user->AddField("status", Type::Scalar(Kind::kString));
    user->AddField("failed_logins", Type::Scalar(Kind::kInt));
    root->AddField("user", Type::RecordOf(user));
    s->set_root(root);
    return s;
  }();
  return *schema;
}

const std::string kRules = R"(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
rules:
  - id: p.locked
    faq: f
    cause: locked
    severity: blocking
    when: user.status == "full_user" and user.failed_logins >= 5
    explain: "{user.name} failed {user.failed_logins} times"
tests:
)";

PackTestReport RunTests(const std::string& tests, StateFactSource* source = nullptr) {
  auto rules = RuleSet::Compile(PackSet::LoadText(kRules + tests, "p.yaml"), RunnerSchema());
  REQUIRE(rules->ok());
  return RunPackTests(*rules, source);
}

TEST_CASE("passing tests and full coverage", "[pack_test]") {
  PackTestReport r = RunTests(R"(  - name: holds
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {name: Jo, status: full_user, failed_logins: 5}}
    expect: {holds: [locked], explanation_contains: {locked: "Jo failed 5 times"}}
  - name: fails on status
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {name: Jo, status: invited, failed_logins: 5}}
    expect: {not_holds: [p.locked]}
  - name: fails on count
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {name: Jo, status: full_user, failed_logins: 4}}
    expect: {not_holds: [locked]}
  - name: unknown
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {status: full_user}}
    expect: {unknown: [locked]}
)");
  CHECK(r.passed == 4);
  CHECK(r.failed == 0);
  CHECK(r.TotalCoverage().covered == 4);
  CHECK(r.TotalCoverage().total == 4);
  REQUIRE(r.rules.size() == 1);
  CHECK(r.rules[0].held);
  CHECK(r.rules[0].not_held);
}

TEST_CASE("mismatches are failures at the test's line with the reason", "[pack_test]") {
  PackTestReport r = RunTests(R"(  - name: wrong
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {name: Jo, status: invited, failed_logins: 5}}
    expect: {holds: [locked], unknown: [locked], not_holds: [nothing]}
  - name: wrong text
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {name: Jo, status: full_user, failed_logins: 6}}
    expect: {explanation_contains: {locked: "5 times"}}
  - name: bad facts
    faq: f
    at: 2026-11-29T10:00:00Z
    facts: {user: {failed_logins: many}}
    expect: {}
)");
  CHECK(r.passed == 0);
  CHECK(r.failed == 3);
  REQUIRE(r.failures.size() == 5);
  CHECK(r.failures[0].where.ToString() == "p.yaml:13:5");
  CHECK(r.failures[0].message ==
        "expected locked to hold, but it did not hold: user.status \"invited\" is not \"full_user\"");
  CHECK(r.failures[1].message == "no rule of FAQ 'f' has cause or id 'nothing'");
  CHECK(r.failures[2].message.rfind("expected locked to be unknown, but it did not hold", 0) == 0);
  CHECK(r.failures[3].where.ToString() == "p.yaml:18:5");
  CHECK(r.failures[3].message == "explanation of locked does not contain \"5 times\": \"Jo failed 6 times\"");
  CHECK(r.failures[4].message.rfind("bad `facts:`: ", 0) == 0);
  CHECK(r.failures[4].message.find("/user/failed_logins") != std::string::npos);
  // Only the first condition was ever seen (false); the second never ran false.
  CHECK(r.TotalCoverage().covered < r.TotalCoverage().total);
  CHECK(r.ToJson()["uncovered_conditions"].size() >= 1);
}

TEST_CASE("state tests are skipped visibly without a fact source", "[pack_test]") {
  const std::string test = R"(  - name: from state
    faq: f
    at: 2026-11-29T10:00:00Z
    state: {users: []}
    subject: u-1
    expect: {holds: [locked]}
)";
  PackTestReport skipped = RunTests(test);
  CHECK(skipped.skipped == 1);
  CHECK(skipped.failed == 0);
  REQUIRE(skipped.skips.size() == 1);
  CHECK(skipped.skips[0].where.ToString() == "p.yaml:13:5");
  CHECK(!skipped.rules[0].held);

  struct FixedSource : StateFactSource {
    StatusOr<const Record*> Facts(const PackTestDef& t, const FaqDef&, FactArena& arena) override {
      CHECK(t.subject == "u-1");
      Record* root = arena.NewRecord(RunnerSchema().root());
      Record* user = arena.NewRecord(RunnerSchema().FindRecordType("user"));
      user->set(1, arena.StringValue("full_user"));
      user->set(2, Value::Int(7));
      root->set(0, Value::OfRecord(user));
      return static_cast<const Record*>(root);
    }
  } source;
  PackTestReport run = RunTests(test, &source);
  CHECK(run.skipped == 0);
  CHECK(run.passed == 1);
}

}  // namespace
}  // namespace whyd
