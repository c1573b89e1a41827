// Facts from JSON by schema type, errors naming the JSON path, and values back
// to JSON.
#include <catch2/catch.hpp>

#include "engine/facts_json.h"
#include "engine/time_util.h"
#include "tests/engine/expr_test_schema.h"

namespace whyd {
namespace {

using nlohmann::json;

StatusOr<const Record*> Read(const char* text, FactArena& arena) {
  return RecordFromJson(json::parse(text), *testing::Test().root, arena);
}

std::string ErrorOf(const char* text) {
  FactArena arena;
  StatusOr<const Record*> r = Read(text, arena);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST_CASE("fields convert by their schema type", "[facts_json]") {
  const auto& ts = testing::Test();
  FactArena arena;
  StatusOr<const Record*> root = Read(R"({
    "user": {"display_name": "Jamie", "failed_logins": 5, "score": 2, "mfa_registered": true,
             "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01",
             "lockout": "30m", "roles": ["a", null], "mobile": null,
             "recent_sign_ins": [{"at": "2026-11-28T09:00:00+01:00", "outcome": "success"}],
             "manager": {"display_name": "Ann"}}})",
                                      arena);
  REQUIRE(root.ok());
  const Record* user = (*root)->get(ts.r.user).as_record();
  CHECK(user->get(ts.u.display_name).as_string() == "Jamie");
  CHECK(user->get(ts.u.failed_logins).as_int() == 5);
  CHECK(user->get(ts.u.score).kind() == Kind::kFloat);
  CHECK(user->get(ts.u.mfa_registered).as_bool());
  CHECK(user->get(ts.u.locked_until).as_time() == testing::T("2026-11-29T10:20:00Z"));
  CHECK(user->get(ts.u.subscription_end).as_date() == testing::D("2027-09-01"));
  CHECK(user->get(ts.u.lockout).as_duration() == 1800);
  const List* roles = user->get(ts.u.roles).as_list();
  REQUIRE(roles->size == 2);
  CHECK(roles->items[1].is_null());
  CHECK(user->get(ts.u.mobile).is_null());           // JSON null: known, empty
  CHECK(user->get(ts.u.status).is_absent());         // missing key: unknown
  CHECK((*root)->get(ts.r.tenant).is_absent());
  const Record* sign_in = user->get(ts.u.recent_sign_ins).as_list()->items[0].as_record();
  CHECK(sign_in->get(ts.s.at).as_time() == testing::T("2026-11-28T08:00:00Z"));
  CHECK(user->get(ts.u.manager).as_record()->get(ts.u.display_name).as_string() == "Ann");
}

TEST_CASE("errors name the JSON path and the reason", "[facts_json]") {
  CHECK(ErrorOf(R"({"user": {"stauts": "x"}})") == "/user/stauts: unknown field of user (did you mean 'status'?)");
  CHECK(ErrorOf(R"({"user": {"locked_until": "tomorrow"}})") ==
        "/user/locked_until: expected a timestamp \"YYYY-MM-DDTHH:MM:SSZ\", got a string \"tomorrow\"");
  CHECK(ErrorOf(R"({"user": {"subscription_end": "2027-02-30"}})").find("/user/subscription_end: expected a date") ==
        0);
  CHECK(ErrorOf(R"({"user": {"failed_logins": "5"}})") ==
        "/user/failed_logins: expected a whole number, got a string \"5\"");
  CHECK(ErrorOf(R"({"user": {"failed_logins": 1.5}})") == "/user/failed_logins: expected a whole number, got a number 1.5");
  CHECK(ErrorOf(R"({"user": {"mfa_registered": "yes"}})").find("/user/mfa_registered: expected true or false") == 0);
  CHECK(ErrorOf(R"({"user": {"roles": "a"}})") == "/user/roles: expected a list, got a string \"a\"");
  CHECK(ErrorOf(R"({"user": {"roles": ["a", 2]}})") == "/user/roles/1: expected a string, got a whole number 2");
  CHECK(ErrorOf(R"({"user": {"recent_sign_ins": [{"at": 5}]}})").find("/user/recent_sign_ins/0/at: expected a timestamp") == 0);
  CHECK(ErrorOf(R"({"user": 5})") == "/user: expected an object (user), got a whole number 5");
  CHECK(ErrorOf(R"([1])") == "/: expected an object (facts), got a list");
  CHECK(ErrorOf(R"({"user": {"lockout": "soon"}})").find("/user/lockout: expected a duration") == 0);
  CHECK(ErrorOf(R"({"a/b": 1})") == "/a~1b: unknown field of facts");
}

TEST_CASE("deeply nested records are refused, not recursed without bound", "[facts_json]") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += R"({"manager": )";
  text += "{}";
  text += std::string(200, '}');
  FactArena arena;
  StatusOr<const Record*> r =
      RecordFromJson(json::parse(text), *testing::Test().user, arena);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("values back to JSON", "[facts_json]") {
  FactArena arena;
  StatusOr<const Record*> root = Read(R"({"user": {"display_name": "Jamie", "failed_logins": 5,
      "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01", "lockout": 1800,
      "roles": ["a"], "mobile": null, "score": 2.5, "mfa_registered": false}})",
                                      arena);
  REQUIRE(root.ok());
  const json out = ValueToJson(Value::OfRecord(*root));
  CHECK(out == json::parse(R"({"user": {"display_name": "Jamie", "failed_logins": 5,
      "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01", "lockout": 1800,
      "roles": ["a"], "mobile": null, "score": 2.5, "mfa_registered": false}})"));
  CHECK(ValueToJson(Value()).is_null());
  CHECK(ValueToJson(Value::Duration(90)) == 90);
}

TEST_CASE("a cyclic record stops at the output depth limit", "[facts_json]") {
  const auto& ts = testing::Test();
  FactArena arena;
  Record* user = arena.NewRecord(ts.user);
  user->set(ts.u.manager, Value::OfRecord(user));  // a user who manages themselves
  const json out = ValueToJson(Value::OfRecord(user));
  int depth = 0;
  const json* j = &out;
  while (j->is_object() && j->contains("manager")) {
    j = &(*j)["manager"];
    ++depth;
  }
  CHECK(depth == 8);
  CHECK(j->is_null());
}

}  // namespace
}  // namespace whyd
