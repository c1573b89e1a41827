// `whyd serve`: runs the HTTP service (server/http_server.h).
//
//   whyd serve [--listen HOST:PORT] [--db FILE] [--rules DIR] [--config FILE]
//              [--demo] [--access-log -|off|FILE] [--audit-db FILE] [--threads N]
//              [--max-ingest-mb N]
//
// --demo loads the demo tenant and makes a one-off config with a fresh key of
// every scope, printed with the page URL (the key travels in the URL fragment,
// which browsers never send to the server). --fake-backend is hidden and for
// tests only: canned answers instead of the diagnosis pipeline.
#include <cstdio>
#include <fstream>
#include <future>
#include <functional>
#include <sstream>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "server/auth.h"
#include "server/command.h"
#include "server/config.h"
#include "server/diagnosis_backend.h"
#include "server/fake_backend.h"
#include "server/rulebook.h"
#include "server/http_server.h"

namespace {

constexpr const char* kUsage =
    "usage: whyd serve [--listen HOST:PORT] [--db FILE] [--rules DIR] [--config FILE] [--demo]\n"
    "                  [--access-log -|off|FILE] [--audit-db FILE] [--threads N] [--max-ingest-mb N]\n"
    "  --listen      address to listen on (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  --db          account-state database (SQLite)\n"
    "  --rules       directory of rule packs (default rules)\n"
    "  --config      tenants and API keys (YAML; see server/config.h)\n"
    "  --demo        serve the demo tenant with a fresh key; prints the key and page URL\n"
    "  --access-log  JSON-lines access log: - (stderr, default), off, or a file\n"
    "  --audit-db    SQLite audit log (overrides the config's audit.path)\n"
    "  --threads     threads answering requests (default: one per core, at least 2); uploads\n"
    "                and reloads run on threads of their own\n"
    "  --max-ingest-mb  largest snapshot or records body accepted, in MiB (default 16; a\n"
    "                100,000-learner snapshot is about 150; parsing needs about 20x the body)\n";

bool ParseListen(const std::string& value, whyd::ServeOptions* options) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  options->host = value.substr(0, colon);
  char* end = nullptr;
  const long port = std::strtol(value.c_str() + colon + 1, &end, 10);
  if (end == value.c_str() + colon + 1 || *end != '\0' || port < 0 || port > 65535) return false;
  options->port = static_cast<int>(port);
  return !options->host.empty();
}

// A whole number in [lo, hi], digits only: "2x", "-3" and "" are refused
// rather than read as 2, a huge number and 0.
bool ParseBounded(const std::string& text, unsigned long lo, unsigned long hi, unsigned long* out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::strtoul(text.c_str(), nullptr, 10);
  return *out >= lo && *out <= hi;
}

// The demo's one tenant and its key with every tenant scope, made fresh at
// each start and added again to every reloaded config.
void AddDemoKey(const std::string& key, whyd::ServiceConfig* config) {
  config->tenants.insert("demo");
  config->keys.push_back({"demo", "demo", whyd::Sha256(key),
                          whyd::kScopeAsk | whyd::kScopeTriage | whyd::kScopeIngest | whyd::kScopeAdmin});
}

// The config as `whyd serve` runs with it: the --config file (none: no keys),
// plus the demo key in demo mode. Called at start and on every reload.
whyd::StatusOr<whyd::ServiceConfig> LoadConfig(const std::string& path, const std::string& demo_key) {
  whyd::ServiceConfig config;
  if (!path.empty()) {
    whyd::StatusOr<whyd::ServiceConfig> loaded = whyd::ServiceConfig::LoadFile(path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  if (!demo_key.empty()) AddDemoKey(demo_key, &config);
  return config;
}

// The store and the backend that serves from it, kept alive together.
class RealBackend : public whyd::DiagnosisBackend {
 public:
  RealBackend(std::unique_ptr<whyd::Store> store, std::string rules_dir,
              std::shared_ptr<const whyd::Rulebook> rules, bool demo, std::function<int64_t()> clock)
      : DiagnosisBackend(*store, std::move(rules_dir), std::move(rules), demo, std::move(clock)),
        store_(std::move(store)) {}

 private:
  std::unique_ptr<whyd::Store> store_;
};

// The demo tenant ships with the source; look beside the rules too, so that
// `whyd serve --demo` works from any directory given --rules.
std::string FindDemoTenant(const std::string& rules_dir) {
  for (const std::string& candidate :
       {std::string("examples/demo-tenant.json"), rules_dir + "/../examples/demo-tenant.json"}) {
    if (std::ifstream(candidate).good()) return candidate;
  }
  return "";
}

whyd::StatusOr<std::unique_ptr<whyd::Backend>> OpenBackend(const whyd::ServeOptions& options) {
  if (options.fake_backend) return std::unique_ptr<whyd::Backend>(std::make_unique<whyd::FakeBackend>());
  // Compiling the packs and loading the account state are independent and
  // each about half of the time to ready: do them at once.
  auto compiling = std::async(std::launch::async, [dir = options.rules_dir] { return whyd::Rulebook::Load(dir); });
  std::string db = options.db_path.empty() ? (options.demo ? ":memory:" : "whyd.db") : options.db_path;
  auto store = whyd::Store::Open(db);
  if (!store.ok()) return store.status();
  std::function<int64_t()> clock;
  if (options.demo) {
    std::string path = FindDemoTenant(options.rules_dir);
    if (path.empty()) return whyd::NotFoundError("examples/demo-tenant.json not found (run from the source tree)");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    whyd::ImportResult imported = (*store)->ImportSnapshot(text.str());
    if (!imported.ok()) return whyd::InvalidArgumentError("demo tenant: " + imported.status.message());
    // The demo's story is told at the moment of its snapshot, so every cause
    // it was built to show still holds whatever today's date is.
    const int64_t as_of = (*store)->Tenant("demo")->as_of();
    clock = [as_of] { return as_of; };
    std::printf("whyd: demo tenant loaded from %s (%lld users)\n", path.c_str(),
                static_cast<long long>(imported.counts.users));
  }
  auto rules = compiling.get();
  if (!rules.ok()) return rules.status();
  std::unique_ptr<whyd::Backend> backend = std::make_unique<RealBackend>(
      std::move(*store), options.rules_dir, std::move(*rules), options.demo, std::move(clock));
  return backend;
}

int RunServe(const std::vector<std::string>& args) {
  whyd::ServeOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--listen" && value(&v)) {
      if (!ParseListen(v, &options)) {
        std::fprintf(stderr, "whyd serve: --listen wants HOST:PORT, got '%s'\n", v.c_str());
        return 2;
      }
    } else if (a == "--db" && value(&v)) {
      options.db_path = v;
    } else if (a == "--rules" && value(&v)) {
      options.rules_dir = v;
    } else if (a == "--config" && value(&v)) {
      options.config_path = v;
    } else if (a == "--access-log" && value(&v)) {
      options.access_log = v;
    } else if (a == "--audit-db" && value(&v)) {
      options.audit_path = v;
    } else if (a == "--threads" && value(&v)) {
      unsigned long threads = 0;
      if (!ParseBounded(v, 1, 4096, &threads)) {
        std::fprintf(stderr, "whyd serve: --threads wants 1..4096, got '%s'\n", v.c_str());
        return 2;
      }
      options.threads = static_cast<size_t>(threads);
    } else if (a == "--max-ingest-mb" && value(&v)) {
      unsigned long mb = 0;
      if (!ParseBounded(v, 1, 4096, &mb)) {
        std::fprintf(stderr, "whyd serve: --max-ingest-mb wants 1..4096, got '%s'\n", v.c_str());
        return 2;
      }
      options.ingest_body_limit = static_cast<size_t>(mb) << 20;
    } else if (a == "--demo") {
      options.demo = true;
    } else if (a == "--fake-backend") {  // tests only; see fake_backend.h
      options.fake_backend = true;
      options.demo = true;
    } else {
      std::fprintf(stderr, "whyd serve: unknown or incomplete option '%s'\n\n%s", a.c_str(), kUsage);
      return 2;
    }
  }

  std::string demo_key;
  if (options.demo) {
    whyd::StatusOr<std::string> key = whyd::NewApiKey();
    if (!key.ok()) {
      std::fprintf(stderr, "whyd serve: %s\n", key.status().message().c_str());
      return 2;
    }
    demo_key = *key;
  }
  whyd::StatusOr<whyd::ServiceConfig> config = LoadConfig(options.config_path, demo_key);
  if (!config.ok()) {
    std::fprintf(stderr, "whyd serve: %s\n", config.status().message().c_str());
    return 2;
  }
  if (config->keys.empty()) {
    std::fprintf(stderr, "whyd serve: no API keys configured (--config FILE; `whyd key new` makes one)\n");
  }
  if (!options.config_path.empty()) {
    options.config_loader = [path = options.config_path, demo_key] { return LoadConfig(path, demo_key); };
  }

  whyd::StatusOr<std::unique_ptr<whyd::Backend>> backend = OpenBackend(options);
  if (!backend.ok()) {
    std::fprintf(stderr, "whyd serve: %s\n", backend.status().message().c_str());
    return 2;
  }
  if (options.demo) {
    std::printf("whyd: demo key (all scopes, tenant demo): %s\n", demo_key.c_str());
    options.demo_key = demo_key;
  }
  return whyd::RunServer(options, *config, **backend);
}

}  // namespace

WHYD_COMMAND("serve", "run the HTTP service and the self-service page", RunServe);
