// The service configuration file of `whyd serve`: tenants, their API keys,
// the operators' keys and the audit log settings.
//
//   tenants:
//     acme:
//       keys:
//         - {id: chatbot, sha256: 9f86d0...e9, scopes: [ask, triage]}
//         - {id: hr-sync, sha256: 1b4f0e...2a, scopes: [ingest]}
//   operators:                        # keys for process-wide calls (reload)
//     - {id: ops-oncall, sha256: 5e8848...d8}
//   audit:
//     path: /var/lib/whyd/audit.db    # omit to keep no audit log
//     retention_days: 90
//
// A tenant key acts for its tenant only; what touches every tenant (POST
// /v1/admin/reload) needs an operator key, which acts for no tenant. Keys are
// stored only as the hex SHA-256 of the key (`whyd key new` prints both); one
// hash may appear once in the whole file. SIGHUP and the reload endpoint read
// the file again (http_server.h). Loading throws nothing: yaml-cpp exceptions
// are turned into Status.
//
// Thread-safety: immutable after loading.
#ifndef WHYD_SERVER_CONFIG_H_
#define WHYD_SERVER_CONFIG_H_

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace whyd {

// Scopes are bits so that a key's scopes are one integer.
enum Scope : unsigned {
  kScopeAsk = 1u << 0,
  kScopeTriage = 1u << 1,
  kScopeIngest = 1u << 2,
  kScopeAdmin = 1u << 3,  // a tenant's admin; process-wide calls need an operator key
};

// "ask,ingest" -> kScopeAsk|kScopeIngest; an unknown or empty name is an error.
StatusOr<unsigned> ParseScopes(std::string_view comma_separated);
// kScopeAsk|kScopeIngest -> "ask, ingest".
std::string ScopeNames(unsigned scopes);

using Sha256Digest = std::array<unsigned char, 32>;

struct ApiKey {
  std::string id;      // a name for logs and the audit log; never the key
  std::string tenant;  // empty for an operator key
  Sha256Digest sha256{};
  unsigned scopes = 0;  // none for an operator key
};

struct ServiceConfig {
  std::set<std::string> tenants;
  std::vector<ApiKey> keys;
  std::vector<ApiKey> operators;  // tenant and scopes empty
  std::string audit_path;      // empty: no audit log
  int audit_retention_days = 90;

  static StatusOr<ServiceConfig> LoadFile(const std::string& path);
  // `source` names the text in error messages.
  static StatusOr<ServiceConfig> Parse(const std::string& yaml_text, const std::string& source);
};

}  // namespace whyd

#endif  // WHYD_SERVER_CONFIG_H_
