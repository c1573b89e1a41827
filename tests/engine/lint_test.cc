// Lint: the checks beyond loading and compiling (cause catalogue, FAQs without
// rules, contradictions, test expectations), each with its location.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "engine/lint.h"

namespace whyd {
namespace {

const Schema& LintSchema() {
  static const Schema* schema = [] {
    auto* s = new Schema;
    RecordType* root = s->AddRecordType("facts");
    RecordType* user = s->AddRecordType("user");
    user->AddField("status", Type::Scalar(Kind::kString));
    user->AddField("failed_logins", Type::Scalar(Kind::kInt));
    root->AddField("user", Type::RecordOf(user));
    s->set_root(root);
    return s;
  }();
  return *schema;
}

CauseCatalogue Catalogue() {
  CauseCatalogue c;
  c.file = "causes.yaml";
  c.faqs["f"]["status_archived"] = {"blocking"};
  c.faqs["f"]["status_expired"] = {"blocking"};
  c.faqs["g"]["anything"] = {"info"};
  return c;
}

std::vector<std::string> Lint(const std::string& text, const CauseCatalogue* causes) {
  auto rules = RuleSet::Compile(PackSet::LoadText(text, "p.yaml"), LintSchema());
  std::vector<std::string> out;
  for (const PackIssue& i : LintPacks(*rules, causes)) out.push_back(i.ToString());
  return out;
}

TEST_CASE("lint checks rules against the cause catalogue", "[lint]") {
  CauseCatalogue causes = Catalogue();
  auto issues = Lint(R"(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
  - {id: h, title: t, subject: user}
rules:
  - {id: p.a, faq: f, cause: status_archivd, severity: blocking, when: user.status == "archived", explain: x}
  - {id: p.b, faq: f, cause: status_expired, severity: warning, when: user.status == "expired", explain: x}
)", &causes);
  CHECK(issues == std::vector<std::string>{
      "p.yaml:7:30: error: cause 'status_archivd' is not a cause of FAQ 'f' in causes.yaml (did you mean 'status_archived'?)",
      "p.yaml:4:5: warning: cause 'status_archived' of FAQ 'f' has no rule",
      "p.yaml:5:5: warning: FAQ 'h' has no rules",
      "p.yaml:5:5: warning: FAQ 'h' is not in the cause catalogue causes.yaml",
      "p.yaml:8:56: warning: severity warning differs from the catalogue's blocking for cause 'status_expired'",
  });
}

TEST_CASE("lint finds contradictory conditions", "[lint]") {
  CHECK(FindContradictions(R"(user.status == "a" and user.status == "b")") ==
        std::vector<std::string>{"contradictory conditions: `user.status` cannot be both a and b"});
  CHECK(FindContradictions(R"(user.status == "a" and user.status != "a")").size() == 1);
  CHECK(FindContradictions(R"(user.status == "a" or user.status == "b")").empty());
  CHECK(FindContradictions(R"(user.status == "a" and (user.status == "b" or x))").empty());
  CHECK(FindContradictions(R"(user.status == "a and b" and user.failed_logins == 2)").empty());
  auto issues = Lint(R"(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
rules:
  - {id: p.a, faq: f, cause: c, severity: info, when: user.status == "a" and user.status == "b", explain: x}
)", nullptr);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0] == "p.yaml:6:55: error: contradictory conditions: `user.status` cannot be both a and b");
}

TEST_CASE("lint checks what tests expect against the FAQ's rules", "[lint]") {
  auto issues = Lint(R"(pack: p
version: 1
faqs:
  - {id: f, title: t, subject: user}
rules:
  - {id: p.a, faq: f, cause: c, severity: info, when: user.failed_logins > 1, explain: x}
tests:
  - {name: one, faq: f, at: 2026-11-29T10:00:00Z, facts: {}, expect: {holds: [c, d]}}
  - {name: two, faq: nope, at: 2026-11-29T10:00:00Z, facts: {}, expect: {}}
)", nullptr);
  CHECK(issues == std::vector<std::string>{
      "p.yaml:8:70: error: test 'one' expects 'd', which no rule of FAQ 'f' reports",
      "p.yaml:9:5: error: test 'two' names unknown FAQ 'nope'",
  });
}

TEST_CASE("the cause catalogue is read from YAML, with errors for bad files", "[lint]") {
  std::string path = std::string(WHYD_SHARED_DIR) + "/spec/causes.yaml";
  if (std::ifstream(path).good()) {
    auto catalogue = LoadCauseCatalogue(path);
    REQUIRE(catalogue.ok());
    CHECK(catalogue->faqs.at("learner-cannot-log-in").size() == 12);
    CHECK(catalogue->faqs.at("account-locked").at("lock_lifted").severity == "info");
  }
  CHECK(!LoadCauseCatalogue("/nonexistent/causes.yaml").ok());
  std::string bad = "/tmp/whyd_lint_test_bad_causes.yaml";
  std::ofstream(bad) << "a: [unclosed\n";
  auto broken = LoadCauseCatalogue(bad);
  REQUIRE(!broken.ok());
  CHECK(broken.status().message().find(bad) == 0);
}

}  // namespace
}  // namespace whyd
