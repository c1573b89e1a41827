// libFuzzer target for the pack loader, rule compiler, lint and pack tests.
//
// Input: the text of one pack file. It is loaded (yaml-cpp parsing, structure
// checks, size and nesting limits), compiled against a small schema, linted,
// and its `tests:` are run, so that malformed YAML, hostile nesting, aliases,
// huge scalars and odd expressions are driven through every stage that reads
// author-written packs. Finds crashes, hangs, uncaught exceptions and
// undefined behaviour. Run with scripts/fuzz (fuzz/CMakeLists.txt globs
// fuzz/*_fuzz.cc).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/diagnosis.h"
#include "engine/lint.h"
#include "engine/pack_loader.h"
#include "engine/pack_test.h"
#include "engine/rule_set.h"

namespace {

const whyd::Schema& FuzzSchema() {
  static const whyd::Schema* schema = [] {
    auto* s = new whyd::Schema;
    whyd::RecordType* root = s->AddRecordType("facts");
    whyd::RecordType* user = s->AddRecordType("user");
    whyd::RecordType* sign_in = s->AddRecordType("sign_in");
    sign_in->AddField("at", whyd::Type::Scalar(whyd::Kind::kTime));
    sign_in->AddField("outcome", whyd::Type::Scalar(whyd::Kind::kString));
    user->AddField("display_name", whyd::Type::Scalar(whyd::Kind::kString));
    user->AddField("status", whyd::Type::Scalar(whyd::Kind::kString));
    user->AddField("failed_logins", whyd::Type::Scalar(whyd::Kind::kInt));
    user->AddField("locked_until", whyd::Type::Scalar(whyd::Kind::kTime));
    user->AddField("subscription_end", whyd::Type::Scalar(whyd::Kind::kDate));
    user->AddField("sign_ins", whyd::Type::ListOfRecords(sign_in));
    root->AddField("user", whyd::Type::RecordOf(user));
    s->set_root(root);
    return s;
  }();
  return *schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  whyd::LoadOptions options;
  options.max_file_bytes = 64 * 1024;
  std::string text(reinterpret_cast<const char*>(data), size);
  whyd::PackSet packs = whyd::PackSet::LoadText(text, "fuzz.yaml", options);
  for (const whyd::PackIssue& issue : packs.issues()) {
    if (issue.message.empty()) __builtin_trap();  // every issue says why
  }
  auto rules = whyd::RuleSet::Compile(std::move(packs), FuzzSchema());
  whyd::LintPacks(*rules, nullptr);
  whyd::PackTestReport report = whyd::RunPackTests(*rules, nullptr);
  (void)report.ToJson();
  // Diagnose every FAQ over empty facts: all rules unknown or decided by literals.
  whyd::FactArena arena;
  whyd::Record* root = arena.NewRecord(FuzzSchema().root());
  whyd::DiagnosisScratch scratch;
  for (const whyd::FaqRules& faq : rules->faqs()) {
    rules->Diagnose(faq, whyd::EvalContext{root, 1795946400, &arena}, &scratch);
    (void)whyd::RenderDiagnosis(scratch).ToJson();
  }
  return 0;
}
