// `whyd lint DIR [--causes FILE] [--json]`: checks rule packs against the
// account schema and the cause catalogue and prints `file:line:col: error:
// message` lines (warnings as `warning:`).
//
// The catalogue defaults to the first shared/spec/causes.yaml found above DIR;
// --causes names it explicitly. Exit codes: 0 no errors (warnings allowed),
// 1 errors found, 2 usage error or unreadable catalogue.
//
// Thread-safety: a command-line entry point; single-threaded.
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/lint.h"
#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "knowledge/account_schema.h"
#include "server/command.h"

namespace whyd {
namespace {

int Usage() {
  std::fprintf(stderr, "usage: whyd lint DIR [--causes FILE] [--json]\n");
  return 2;
}

int RunLint(const std::vector<std::string>& args) {
  std::string dir, causes_file;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--causes" && i + 1 < args.size()) {
      causes_file = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return Usage();
    } else if (dir.empty()) {
      dir = args[i];
    } else {
      return Usage();
    }
  }
  if (dir.empty()) return Usage();
  if (causes_file.empty()) causes_file = FindCauseCatalogue(dir);

  std::optional<CauseCatalogue> catalogue;
  if (!causes_file.empty()) {
    StatusOr<CauseCatalogue> loaded = LoadCauseCatalogue(causes_file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "whyd lint: %s\n", loaded.status().message().c_str());
      return 2;
    }
    catalogue = std::move(*loaded);
  }
  auto rules = RuleSet::Compile(PackSet::Load(dir), AccountSchema());
  std::vector<PackIssue> issues = LintPacks(*rules, catalogue ? &*catalogue : nullptr);
  int errors = 0, warnings = 0;
  for (const PackIssue& issue : issues) (issue.level == PackIssue::Level::kError ? errors : warnings)++;
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const PackIssue& issue : issues) {
      out.push_back({{"file", issue.where.file},
                     {"line", issue.where.line},
                     {"column", issue.where.column},
                     {"level", issue.level == PackIssue::Level::kError ? "error" : "warning"},
                     {"message", issue.message}});
    }
    std::printf("%s\n", nlohmann::json{{"issues", out}, {"errors", errors}, {"warnings", warnings},
                                       {"causes", causes_file}}.dump(2).c_str());
  } else {
    for (const PackIssue& issue : issues) std::printf("%s\n", issue.ToString().c_str());
    if (causes_file.empty()) std::printf("note: no cause catalogue found; cause checks skipped (use --causes)\n");
    std::printf("%d error(s), %d warning(s) in %zu file(s)\n", errors, warnings, rules->packs().files().size());
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

WHYD_COMMAND("lint", "check rule packs: structure, expressions, causes, contradictions", RunLint);

}  // namespace whyd
