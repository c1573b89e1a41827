// Loading the service configuration; see config.h.
#include "server/config.h"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace whyd {
namespace {

struct ScopeName {
  std::string_view name;
  Scope scope;
};
constexpr ScopeName kScopeNames[] = {
    {"ask", kScopeAsk}, {"triage", kScopeTriage}, {"ingest", kScopeIngest}, {"admin", kScopeAdmin}};

StatusOr<unsigned> ScopeFromName(std::string_view name) {
  for (const auto& s : kScopeNames) {
    if (s.name == name) return static_cast<unsigned>(s.scope);
  }
  return InvalidArgumentError("unknown scope '" + std::string(name) +
                              "' (expected ask, triage, ingest or admin)");
}

bool ParseHexDigest(const std::string& hex, Sha256Digest* out) {
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    unsigned value = 0;
    for (size_t j = 0; j < 2; ++j) {
      char c = hex[2 * i + j];
      unsigned nibble;
      if (c >= '0' && c <= '9') nibble = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') nibble = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') nibble = static_cast<unsigned>(c - 'A' + 10);
      else return false;
      value = value * 16 + nibble;
    }
    (*out)[i] = static_cast<unsigned char>(value);
  }
  return true;
}

std::string Where(const std::string& source, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

StatusOr<ServiceConfig> ParseTree(const YAML::Node& root, const std::string& source) {
  ServiceConfig config;
  if (!root.IsMap()) return InvalidArgumentError(source + ": the config must be a mapping");
  const YAML::Node tenants = root["tenants"];
  if (!tenants || !tenants.IsMap()) {
    return InvalidArgumentError(source + ": 'tenants' must be a mapping of tenant id to keys");
  }
  for (const auto& entry : tenants) {
    const std::string tenant = entry.first.as<std::string>();
    config.tenants.insert(tenant);
    const YAML::Node keys = entry.second["keys"];
    if (!keys) continue;
    if (!keys.IsSequence()) {
      return InvalidArgumentError(Where(source, keys) + ": tenants." + tenant + ".keys must be a list");
    }
    for (const auto& key_node : keys) {
      ApiKey key;
      key.tenant = tenant;
      if (!key_node.IsMap() || !key_node["id"] || !key_node["sha256"] || !key_node["scopes"]) {
        return InvalidArgumentError(Where(source, key_node) + ": a key needs id, sha256 and scopes");
      }
      key.id = key_node["id"].as<std::string>();
      if (!ParseHexDigest(key_node["sha256"].as<std::string>(), &key.sha256)) {
        return InvalidArgumentError(Where(source, key_node["sha256"]) +
                                    ": sha256 must be 64 hex digits (the hash, never the key)");
      }
      const YAML::Node scopes = key_node["scopes"];
      if (!scopes.IsSequence() || scopes.size() == 0) {
        return InvalidArgumentError(Where(source, scopes) + ": scopes must be a non-empty list");
      }
      for (const auto& s : scopes) {
        StatusOr<unsigned> bit = ScopeFromName(s.as<std::string>());
        if (!bit.ok()) return InvalidArgumentError(Where(source, s) + ": " + bit.status().message());
        key.scopes |= *bit;
      }
      for (const auto& other : config.keys) {
        if (other.id == key.id && other.tenant == key.tenant) {
          return InvalidArgumentError(Where(source, key_node) + ": duplicate key id '" + key.id + "'");
        }
      }
      config.keys.push_back(std::move(key));
    }
  }
  if (const YAML::Node operators = root["operators"]) {
    if (!operators.IsSequence()) {
      return InvalidArgumentError(Where(source, operators) + ": operators must be a list of {id, sha256}");
    }
    for (const auto& node : operators) {
      if (!node.IsMap() || !node["id"] || !node["sha256"]) {
        return InvalidArgumentError(Where(source, node) + ": an operator key needs id and sha256");
      }
      if (node["scopes"]) {
        return InvalidArgumentError(Where(source, node["scopes"]) +
                                    ": an operator key has no scopes (it may reload, and nothing else)");
      }
      ApiKey key;
      key.id = node["id"].as<std::string>();
      if (!ParseHexDigest(node["sha256"].as<std::string>(), &key.sha256)) {
        return InvalidArgumentError(Where(source, node["sha256"]) +
                                    ": sha256 must be 64 hex digits (the hash, never the key)");
      }
      for (const auto& other : config.operators) {
        if (other.id == key.id) {
          return InvalidArgumentError(Where(source, node) + ": duplicate operator id '" + key.id + "'");
        }
      }
      config.operators.push_back(std::move(key));
    }
  }
  // One key, one identity: with a hash listed twice, which holder is asking
  // (and which tenant or operator rights apply) would be a guess.
  std::vector<const ApiKey*> all;
  for (const auto& k : config.keys) all.push_back(&k);
  for (const auto& k : config.operators) all.push_back(&k);
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (all[i]->sha256 == all[j]->sha256) {
        auto name = [](const ApiKey* k) {
          return k->tenant.empty() ? "operator '" + k->id + "'" : "key '" + k->id + "' of tenant " + k->tenant;
        };
        return InvalidArgumentError(source + ": " + name(all[i]) + " has the same sha256 as " + name(all[j]));
      }
    }
  }
  if (const YAML::Node audit = root["audit"]) {
    if (audit["path"]) config.audit_path = audit["path"].as<std::string>();
    if (audit["retention_days"]) {
      config.audit_retention_days = audit["retention_days"].as<int>();
      if (config.audit_retention_days < 1) {
        return InvalidArgumentError(Where(source, audit["retention_days"]) +
                                    ": retention_days must be at least 1");
      }
    }
  }
  return config;
}

}  // namespace

StatusOr<unsigned> ParseScopes(std::string_view comma_separated) {
  unsigned scopes = 0;
  size_t start = 0;
  while (start <= comma_separated.size()) {
    size_t end = comma_separated.find(',', start);
    if (end == std::string_view::npos) end = comma_separated.size();
    std::string_view name = comma_separated.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    StatusOr<unsigned> bit = ScopeFromName(name);
    if (!bit.ok()) return bit.status();
    scopes |= *bit;
    start = end + 1;
  }
  return scopes;
}

std::string ScopeNames(unsigned scopes) {
  std::string out;
  for (const auto& s : kScopeNames) {
    if ((scopes & s.scope) == 0) continue;
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

StatusOr<ServiceConfig> ServiceConfig::Parse(const std::string& yaml_text, const std::string& source) {
  try {
    return ParseTree(YAML::Load(yaml_text), source);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

StatusOr<ServiceConfig> ServiceConfig::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

}  // namespace whyd
