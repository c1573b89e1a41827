// `whyd generate --learners N --seed S [--tenant ID]`: writes a synthetic tenant
// snapshot (knowledge/store_synthetic.h) to stdout, for benchmarks and load tests.
#include <cstdio>
#include <string>
#include <vector>

#include "knowledge/store_synthetic.h"
#include "server/command.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: whyd generate --learners N [--seed S] [--tenant ID] > tenant.json\n");
  return 2;
}

int RunGenerate(const std::vector<std::string>& args) {
  whyd::SyntheticOptions options;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--learners" && i + 1 < args.size()) options.learners = std::stoi(args[++i]);
      else if (args[i] == "--seed" && i + 1 < args.size()) options.seed = std::stoull(args[++i]);
      else if (args[i] == "--tenant" && i + 1 < args.size()) options.tenant_id = args[++i];
      else return Usage();
    }
  } catch (const std::exception&) {
    return Usage();
  }
  if (options.learners < 1 || options.learners > 10'000'000) return Usage();
  std::string text = whyd::GenerateSyntheticTenant(options);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace

WHYD_COMMAND("generate", "write a synthetic tenant snapshot to stdout", RunGenerate);
