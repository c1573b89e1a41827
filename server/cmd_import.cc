// `whyd import --db FILE SNAPSHOT.json`: loads a tenant snapshot into a store
// file, through the same library call as PUT /v1/tenants/{tenant}/snapshot.
// Validation errors are printed one per line as "path: reason"; nothing is
// applied unless the whole snapshot is valid. On a terminal it shows progress.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "knowledge/store.h"
#include "server/command.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: whyd import --db FILE [--max-mb N] SNAPSHOT.json|-\n"
               "  Replaces the snapshot's tenant in the store FILE (created if missing).\n");
  return 2;
}

int RunImport(const std::vector<std::string>& args) {
  std::string db, input;
  size_t max_mb = 2048;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--db" && i + 1 < args.size()) {
      db = args[++i];
    } else if (args[i] == "--max-mb" && i + 1 < args.size()) {
      max_mb = std::stoul(args[++i]);
    } else if (args[i] == "--help" || args[i] == "-h") {
      Usage();
      return 0;
    } else if (input.empty() && (args[i] == "-" || args[i][0] != '-')) {
      input = args[i];
    } else {
      return Usage();
    }
  }
  if (db.empty() || input.empty()) return Usage();

  std::string text;
  if (input == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    text = buffer.str();
  } else {
    std::ifstream file(input, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "whyd import: cannot read '%s'\n", input.c_str());
      return 2;
    }
    std::ostringstream buffer;
    buffer << file.rdbuf();
    text = buffer.str();
  }
  auto store = whyd::Store::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "whyd import: %s\n", store.status().ToString().c_str());
    return 2;
  }
  whyd::ImportOptions options;
  options.max_bytes = max_mb << 20;
  const bool tty = isatty(fileno(stderr));
  if (tty) {
    options.progress = [](size_t done, size_t total) {
      std::fprintf(stderr, "\rwriting %zu/%zu records", done, total);
      if (done == total) std::fprintf(stderr, "\n");
    };
  }
  whyd::ImportResult result = (*store)->ImportSnapshot(text, options);
  if (!result.ok()) {
    std::fprintf(stderr, "whyd import: %s\n", result.status.ToString().c_str());
    for (const auto& e : result.errors) {
      std::fprintf(stderr, "  %s: %s\n", e.path.empty() ? "(document)" : e.path.c_str(), e.reason.c_str());
    }
    if (result.errors_truncated) std::fprintf(stderr, "  ... (more problems not shown)\n");
    return result.status.code() == whyd::StatusCode::kInternal ? 1 : 2;
  }
  const whyd::ImportCounts& c = result.counts;
  std::printf(
      "imported tenant %s: %lld users, %lld groups, %lld organisations, %lld programmes, "
      "%lld ilr_episodes, %lld documents, %lld emails, %lld sign_ins\n",
      result.tenant_id.c_str(), static_cast<long long>(c.users), static_cast<long long>(c.groups),
      static_cast<long long>(c.organisations), static_cast<long long>(c.programmes),
      static_cast<long long>(c.ilr_episodes), static_cast<long long>(c.documents),
      static_cast<long long>(c.emails), static_cast<long long>(c.sign_ins));
  return 0;
}

}  // namespace

WHYD_COMMAND("import", "load a tenant snapshot into a store file", RunImport);
