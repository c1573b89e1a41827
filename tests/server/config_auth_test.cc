// Service config loading and API key handling.
#include <set>

#include <catch2/catch.hpp>

#include "server/auth.h"
#include "server/config.h"

namespace whyd {
namespace {

const std::string kHash = HexDigest(Sha256("secret-key"));
const std::string kOtherHash = HexDigest(Sha256("other-key"));

TEST_CASE("a config with tenants and hashed keys loads") {
  auto config = ServiceConfig::Parse(
      "tenants:\n  acme:\n    keys:\n      - {id: bot, sha256: " + kHash + ", scopes: [ask, triage]}\n"
      "  empty: {}\naudit: {path: /tmp/a.db, retention_days: 7}\n", "test.yaml");
  REQUIRE(config.ok());
  CHECK(config->tenants == std::set<std::string>{"acme", "empty"});
  REQUIRE(config->keys.size() == 1);
  CHECK(config->keys[0].scopes == (kScopeAsk | kScopeTriage));
  CHECK(config->audit_retention_days == 7);
  KeyRing ring(config->keys);
  CHECK(ring.Authorize("Bearer secret-key", "acme", kScopeAsk).ok());
  CHECK(ring.Authorize("Bearer secret-key", "acme", kScopeIngest).status().code() == StatusCode::kPermissionDenied);
  CHECK(ring.Authorize("Bearer secret-key", "other", kScopeAsk).status().code() == StatusCode::kPermissionDenied);
  CHECK(ring.Authorize("Bearer secret-kez", "acme", kScopeAsk).status().code() == StatusCode::kUnauthenticated);
  CHECK(ring.Authorize("secret-key", "acme", kScopeAsk).status().code() == StatusCode::kUnauthenticated);
  CHECK(ring.Authorize("", "acme", kScopeAsk).status().code() == StatusCode::kUnauthenticated);
}

TEST_CASE("bad configs are rejected with the place and the reason") {
  struct Case {
    std::string yaml;
    std::string expect;
  };
  const Case cases[] = {
      {"tenants: [a, b]", "'tenants' must be a mapping"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: " + kHash + ", scopes: [ask, fly]}\n", "test.yaml:4:"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: " + kHash + ", scopes: [ask, fly]}\n", "unknown scope 'fly'"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: whyd_plaintext, scopes: [ask]}\n", "64 hex digits"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, scopes: [ask]}\n", "needs id, sha256 and scopes"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: " + kHash + ", scopes: [ask]}\n      - {id: k, sha256: " + kHash + ", scopes: [ask]}\n", "duplicate key id"},
      {"tenants: {a: {keys: [}\n", "test.yaml:"},
      {"tenants: {}\naudit: {retention_days: 0}\n", "retention_days"},
      {"tenants: {}\noperators: {id: ops}\n", "operators must be a list"},
      {"tenants: {}\noperators:\n  - {id: ops}\n", "test.yaml:3:5: an operator key needs id and sha256"},
      {"tenants: {}\noperators:\n  - {id: ops, sha256: " + kHash + ", scopes: [admin]}\n", "has no scopes"},
      {"tenants: {}\noperators:\n  - {id: ops, sha256: nothex}\n", "64 hex digits"},
      {"tenants: {}\noperators:\n  - {id: ops, sha256: " + kHash + "}\n  - {id: ops, sha256: " + kOtherHash + "}\n",
       "duplicate operator id 'ops'"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: " + kHash + ", scopes: [admin]}\n"
       "operators:\n  - {id: ops, sha256: " + kHash + "}\n",
       "operator 'ops' has the same sha256 as key 'k' of tenant a"},
      {"tenants:\n  a:\n    keys:\n      - {id: k, sha256: " + kHash + ", scopes: [ask]}\n"
       "  b:\n    keys:\n      - {id: j, sha256: " + kHash + ", scopes: [ask]}\n",
       "key 'j' of tenant b has the same sha256 as key 'k' of tenant a"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    auto config = ServiceConfig::Parse(c.yaml, "test.yaml");
    REQUIRE(!config.ok());
    CHECK_THAT(config.status().message(), Catch::Contains(c.expect));
  }
  CHECK(ServiceConfig::LoadFile("/nonexistent/whyd.yaml").status().code() == StatusCode::kNotFound);
}

TEST_CASE("operator keys reload for every tenant and act for none") {
  auto config = ServiceConfig::Parse(
      "tenants:\n  acme:\n    keys:\n      - {id: boss, sha256: " + kOtherHash + ", scopes: [ask, admin]}\n"
      "operators:\n  - {id: oncall, sha256: " + kHash + "}\n", "test.yaml");
  REQUIRE(config.ok());
  REQUIRE(config->operators.size() == 1);
  CHECK(config->operators[0].id == "oncall");
  CHECK(config->operators[0].tenant.empty());
  KeyRing ring(config->keys, config->operators);
  auto op = ring.AuthorizeOperator("Bearer secret-key");
  REQUIRE(op.ok());
  CHECK((*op)->id == "oncall");
  // A tenant's admin is still a tenant's key.
  CHECK(ring.AuthorizeOperator("Bearer other-key").status().code() == StatusCode::kPermissionDenied);
  CHECK(ring.AuthorizeOperator("Bearer nobody").status().code() == StatusCode::kUnauthenticated);
  CHECK(ring.AuthorizeOperator("").status().code() == StatusCode::kUnauthenticated);
  // The operator key opens no tenant's door, and no scope-checked route.
  CHECK(ring.Authorize("Bearer secret-key", "acme", kScopeAsk).status().code() == StatusCode::kPermissionDenied);
  CHECK(ring.Authorize("Bearer secret-key", "", kScopeAsk).status().code() == StatusCode::kPermissionDenied);
  CHECK(ring.AuthorizeAnyTenant("Bearer secret-key", kScopeAsk | kScopeAdmin).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(ring.Authorize("Bearer other-key", "acme", kScopeAsk).ok());
}

TEST_CASE("scopes parse from a comma-separated list") {
  CHECK(*ParseScopes("ask,ingest") == (kScopeAsk | kScopeIngest));
  CHECK(*ParseScopes("admin, triage") == (kScopeAdmin | kScopeTriage));
  CHECK(!ParseScopes("ask,,ingest").ok());
  CHECK(!ParseScopes("").ok());
  CHECK(!ParseScopes("read").ok());
  CHECK(ScopeNames(kScopeAsk | kScopeAdmin) == "ask, admin");
}

TEST_CASE("new keys are random, url-safe and hash to 64 hex digits") {
  std::set<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    auto key = NewApiKey();
    REQUIRE(key.ok());
    CHECK(key->rfind("whyd_", 0) == 0);
    CHECK(key->size() == 5 + 43);
    CHECK(key->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 5) == std::string::npos);
    keys.insert(*key);
  }
  CHECK(keys.size() == 100);
  CHECK(HexDigest(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The thread's digest context is reused: each digest starts afresh.
  CHECK(HexDigest(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexDigest(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string long_input(1000, 'a');
  const std::string first = HexDigest(Sha256(long_input));
  CHECK(HexDigest(Sha256(long_input)) == first);
  CHECK(first != HexDigest(Sha256(long_input + "a")));
}

}  // namespace
}  // namespace whyd
