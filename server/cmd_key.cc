// `whyd key new --tenant T --scopes ask,ingest [--id NAME]`: makes a random API
// key (RAND_bytes) and prints it once, with the config line holding only its
// SHA-256. The key itself is stored nowhere. `whyd key new --operator` makes
// an operator key instead (config.h: process-wide calls such as reload).
#include <cstdio>
#include <string>
#include <vector>

#include "server/auth.h"
#include "server/command.h"
#include "server/config.h"

namespace {

constexpr const char* kUsage =
    "usage: whyd key new --tenant TENANT --scopes ask,triage,ingest,admin [--id NAME]\n"
    "       whyd key new --operator [--id NAME]   (may reload rules and config for every tenant)\n";

// Prints a fresh key, then `comment` and the config line ("- {id, sha256" and
// `tail`). Returns the exit code.
int PrintNewKey(std::string id, const std::string& comment, const std::string& tail) {
  whyd::StatusOr<std::string> key = whyd::NewApiKey();
  if (!key.ok()) {
    std::fprintf(stderr, "whyd key: %s\n", key.status().message().c_str());
    return 2;
  }
  const std::string hash = whyd::HexDigest(whyd::Sha256(*key));
  if (id.empty()) id = "key-" + hash.substr(0, 8);
  std::printf("key: %s\n", key->c_str());
  std::fputs(comment.c_str(), stdout);
  std::printf("- {id: %s, sha256: %s%s}\n", id.c_str(), hash.c_str(), tail.c_str());
  return 0;
}

int RunKey(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "new") {
    std::fputs(kUsage, args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? stdout : stderr);
    return args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? 0 : 2;
  }
  std::string tenant, scopes_text, id;
  bool operator_key = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--operator") operator_key = true;
    else if (args[i] == "--tenant" && has_value) tenant = args[++i];
    else if (args[i] == "--scopes" && has_value) scopes_text = args[++i];
    else if (args[i] == "--id" && has_value) id = args[++i];
    else {
      std::fprintf(stderr, "whyd key: unknown or incomplete option '%s'\n%s", args[i].c_str(), kUsage);
      return 2;
    }
  }
  if (operator_key) {
    if (!tenant.empty() || !scopes_text.empty()) {
      std::fprintf(stderr, "whyd key: an operator key has no tenant and no scopes\n%s", kUsage);
      return 2;
    }
    return PrintNewKey(id, "# Add under operators: in the config; the key is shown only once.\n", "");
  }
  if (tenant.empty() || scopes_text.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  whyd::StatusOr<unsigned> scopes = whyd::ParseScopes(scopes_text);
  if (!scopes.ok()) {
    std::fprintf(stderr, "whyd key: %s\n", scopes.status().message().c_str());
    return 2;
  }
  return PrintNewKey(id, "# Add under tenants." + tenant + ".keys in the config; the key is shown only once.\n",
                     ", scopes: [" + whyd::ScopeNames(*scopes) + "]");
}

}  // namespace

WHYD_COMMAND("key", "make an API key: whyd key new --tenant T --scopes ask,ingest | --operator", RunKey);
