// A small hand-built fact schema for the expression, template and JSON tests
// (engine tests link only whyd_engine, so they cannot use AccountSchema()).
#ifndef WHYD_TESTS_ENGINE_EXPR_TEST_SCHEMA_H_
#define WHYD_TESTS_ENGINE_EXPR_TEST_SCHEMA_H_

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/facts.h"
#include "engine/facts_json.h"
#include "engine/schema.h"
#include "engine/time_util.h"

namespace whyd::testing {

struct TestSchema {
  Schema schema;
  RecordType* root;
  RecordType* user;
  RecordType* sign_in;
  RecordType* tenant;
  RecordType* settings;
  struct {
    int user, tenant, other;
  } r;
  struct {
    int display_name, status, locked_until, failed_logins, mfa_registered, subscription_end, roles,
        recent_sign_ins, manager, score, mobile, lockout;
  } u;
  struct {
    int at, outcome;
  } s;
  struct {
    int settings, name;
  } t;
  struct {
    int lockout_minutes, lockout_threshold;
  } st;

  TestSchema() {
    root = schema.AddRecordType("facts");
    user = schema.AddRecordType("user");
    sign_in = schema.AddRecordType("sign_in");
    tenant = schema.AddRecordType("tenant");
    settings = schema.AddRecordType("settings");
    schema.set_root(root);
    r.user = root->AddField("user", Type::RecordOf(user));
    r.tenant = root->AddField("tenant", Type::RecordOf(tenant));
    r.other = root->AddField("other", Type::RecordOf(user));
    u.display_name = user->AddField("display_name", Type::Scalar(Kind::kString));
    u.status = user->AddField("status", Type::Scalar(Kind::kString));
    u.locked_until = user->AddField("locked_until", Type::Scalar(Kind::kTime));
    u.failed_logins = user->AddField("failed_logins", Type::Scalar(Kind::kInt));
    u.mfa_registered = user->AddField("mfa_registered", Type::Scalar(Kind::kBool));
    u.subscription_end = user->AddField("subscription_end", Type::Scalar(Kind::kDate));
    u.roles = user->AddField("roles", Type::ListOf(Kind::kString));
    u.recent_sign_ins = user->AddField("recent_sign_ins", Type::ListOfRecords(sign_in));
    u.manager = user->AddField("manager", Type::RecordOf(user));
    u.score = user->AddField("score", Type::Scalar(Kind::kFloat));
    u.mobile = user->AddField("mobile", Type::Scalar(Kind::kString));
    u.lockout = user->AddField("lockout", Type::Scalar(Kind::kDuration));
    s.at = sign_in->AddField("at", Type::Scalar(Kind::kTime));
    s.outcome = sign_in->AddField("outcome", Type::Scalar(Kind::kString));
    t.settings = tenant->AddField("settings", Type::RecordOf(settings));
    t.name = tenant->AddField("name", Type::Scalar(Kind::kString));
    st.lockout_minutes = settings->AddField("lockout_minutes", Type::Scalar(Kind::kInt));
    st.lockout_threshold = settings->AddField("lockout_threshold", Type::Scalar(Kind::kInt));
  }
};

inline const TestSchema& Test() {
  static const TestSchema* schema = new TestSchema;
  return *schema;
}

// Root facts from JSON text (by the test schema); aborts the test on error.
inline const Record* Facts(const char* json_text, FactArena& arena) {
  StatusOr<const Record*> r = RecordFromJson(nlohmann::json::parse(json_text), *Test().root, arena);
  if (!r.ok()) throw std::runtime_error(r.status().message());
  return *r;
}

inline int64_t T(const char* iso) { return *ParseTimestamp(iso); }
inline int32_t D(const char* iso) { return *ParseDate(iso); }

}  // namespace whyd::testing

#endif  // WHYD_TESTS_ENGINE_EXPR_TEST_SCHEMA_H_
