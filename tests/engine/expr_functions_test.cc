// Every operator and function of the expression language, evaluated over
// facts read from JSON by the small test schema.
#include <catch2/catch.hpp>

#include "engine/expression.h"
#include "engine/time_util.h"
#include "tests/engine/expr_test_schema.h"

namespace whyd {
namespace {

using testing::T;

class Env {
 public:
  explicit Env(const char* facts_json) {
    ctx_.root = testing::Facts(facts_json, arena_);
    ctx_.now = T("2026-11-29T10:00:00Z");
    ctx_.scratch = &scratch_;
  }
  Value Eval(std::string_view text) {
    auto e = Compile(text);
    return e->Evaluate(ctx_);
  }
  Tri Test(std::string_view text) { return Compile(text)->Test(ctx_, nullptr); }

 private:
  const Expression* Compile(std::string_view text) {
    auto e = Expression::Compile(text, testing::Test().schema);
    INFO(text << " -> " << e->error().message);
    REQUIRE(e->ok());
    compiled_.push_back(std::move(e));
    return compiled_.back().get();
  }
  FactArena arena_;
  FactArena scratch_;
  EvalContext ctx_;
  std::vector<std::unique_ptr<Expression>> compiled_;
};

constexpr const char* kFacts = R"({
  "user": {
    "display_name": "Jamie Smith", "status": "full_user", "failed_logins": 5,
    "locked_until": "2026-11-29T10:20:00Z", "mfa_registered": false, "mobile": null,
    "subscription_end": "2027-09-01", "roles": ["supervisor", "bulk_upload"], "score": 2.5,
    "lockout": 1800,
    "recent_sign_ins": [
      {"at": "2026-11-28T09:00:00Z", "outcome": "bad_password"},
      {"at": "2026-11-28T10:00:00Z", "outcome": "mfa_failed"},
      {"at": "2026-11-28T10:00:00Z", "outcome": "mfa_failed"},
      {"at": "2026-11-28T08:00:00Z", "outcome": "success"}
    ],
    "manager": {"display_name": "Ann Lee", "status": "invited", "roles": []}
  },
  "tenant": {"name": "Acme", "settings": {"lockout_minutes": 30, "lockout_threshold": 5}}
})";

TEST_CASE("literals", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("42").as_int() == 42);
  CHECK(env.Eval("-7").as_int() == -7);
  CHECK(env.Eval("3.5").as_float() == 3.5);
  CHECK(env.Eval("\"text\"").as_string() == "text");
  CHECK(env.Eval("'it\\'s'").as_string() == "it's");
  CHECK(env.Test("true") == Tri::kTrue);
  CHECK(env.Test("false") == Tri::kFalse);
  CHECK(env.Eval("null").is_null());
  CHECK(env.Eval("30d").as_duration() == 30 * 86400);
  CHECK(env.Eval("15m").as_duration() == 900);
  CHECK(env.Eval("2h").as_duration() == 7200);
  CHECK(env.Eval("45s").as_duration() == 45);
  CHECK(env.Eval("2w").as_duration() == 14 * 86400);
  const Value list = env.Eval("[\"bounced\", \"blocked\"]");
  REQUIRE(list.kind() == Kind::kList);
  CHECK(list.as_list()->size == 2);
  CHECK(env.Eval("date(\"2026-11-29\")").as_date() == testing::D("2026-11-29"));
  CHECK(env.Eval("timestamp(\"2026-11-29T10:00:00Z\")").as_time() == T("2026-11-29T10:00:00Z"));
}

TEST_CASE("comparisons of every kind", "[expr]") {
  Env env(kFacts);
  CHECK(env.Test("user.failed_logins == 5") == Tri::kTrue);
  CHECK(env.Test("user.failed_logins != 5") == Tri::kFalse);
  CHECK(env.Test("user.failed_logins < 5") == Tri::kFalse);
  CHECK(env.Test("user.failed_logins <= 5") == Tri::kTrue);
  CHECK(env.Test("user.failed_logins > 4") == Tri::kTrue);
  CHECK(env.Test("user.failed_logins >= 6") == Tri::kFalse);
  CHECK(env.Test("user.score > 2") == Tri::kTrue);  // float against int
  CHECK(env.Test("user.failed_logins == 5.0") == Tri::kTrue);
  CHECK(env.Test("user.status == \"full_user\"") == Tri::kTrue);
  CHECK(env.Test("user.status < \"g\"") == Tri::kTrue);
  CHECK(env.Test("user.subscription_end > today()") == Tri::kTrue);
  CHECK(env.Test("user.subscription_end == date(\"2027-09-01\")") == Tri::kTrue);
  CHECK(env.Test("user.lockout == 30m") == Tri::kTrue);
  CHECK(env.Test("user.mfa_registered == false") == Tri::kTrue);
  CHECK(env.Test("user.failed_logins >= tenant.settings.lockout_threshold") == Tri::kTrue);
}

TEST_CASE("in and not in", "[expr]") {
  Env env(kFacts);
  CHECK(env.Test("user.status in [\"full_user\", \"invited\"]") == Tri::kTrue);
  CHECK(env.Test("user.status in [\"expired\"]") == Tri::kFalse);
  CHECK(env.Test("user.status not in [\"expired\"]") == Tri::kTrue);
  CHECK(env.Test("\"supervisor\" in user.roles") == Tri::kTrue);
  CHECK(env.Test("\"admin\" in user.manager.roles") == Tri::kFalse);
  CHECK(env.Test("\"admin\" in other.roles") == Tri::kUnknown);
  CHECK(env.Test("other.status in [\"a\"]") == Tri::kUnknown);
  CHECK(env.Test("user.status in [user.manager.status, \"full_user\"]") == Tri::kTrue);
}

TEST_CASE("null is known, absent is unknown", "[expr]") {
  Env env(kFacts);
  CHECK(env.Test("null == null") == Tri::kTrue);
  CHECK(env.Test("user.mobile == null") == Tri::kTrue);
  CHECK(env.Test("user.mobile != null") == Tri::kFalse);
  CHECK(env.Test("user.mobile == \"0700\"") == Tri::kFalse);
  CHECK(env.Test("user.mobile < \"x\"") == Tri::kFalse);
  CHECK(env.Test("null < 1") == Tri::kFalse);
  CHECK(env.Test("other.mobile == null") == Tri::kUnknown);
  CHECK(env.Test("other.mobile == \"x\"") == Tri::kUnknown);
  CHECK(env.Eval("other.failed_logins + 1").is_absent());
  CHECK(env.Eval("user.mobile").is_null());
  CHECK(env.Test("exists(user.mobile)") == Tri::kTrue);
  CHECK(env.Test("exists(other.mobile)") == Tri::kFalse);
  CHECK(env.Test("is_set(user.mobile)") == Tri::kFalse);
  CHECK(env.Test("is_set(user.status)") == Tri::kTrue);
  CHECK(env.Test("is_set(user.manager.roles)") == Tri::kFalse);
  CHECK(env.Test("is_set(other.status)") == Tri::kUnknown);
  CHECK(env.Eval("coalesce(user.mobile, \"none\")").as_string() == "none");
  CHECK(env.Eval("coalesce(other.mobile, \"none\")").as_string() == "none");
  CHECK(env.Eval("coalesce(user.status, \"none\")").as_string() == "full_user");
}

TEST_CASE("navigating through a null record gives null", "[expr]") {
  Env env(R"({"user": {"manager": null}})");
  CHECK(env.Eval("user.manager.status").is_null());
  CHECK(env.Test("user.manager.status == \"invited\"") == Tri::kFalse);
  CHECK(env.Test("other.manager.status == \"invited\"") == Tri::kUnknown);
}

TEST_CASE("arithmetic on numbers, times, dates and durations", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("1 + 2 * 3").as_int() == 7);
  CHECK(env.Eval("(1 + 2) * 3").as_int() == 9);
  CHECK(env.Eval("10 - 4 - 3").as_int() == 3);
  CHECK(env.Eval("7 / 2").as_float() == 3.5);
  CHECK(env.Eval("1 / 0").is_null());
  CHECK(env.Eval("user.score * 2").as_float() == 5.0);
  CHECK(env.Eval("-user.failed_logins").as_int() == -5);
  CHECK(env.Eval("9223372036854775807 + 1").is_null());  // overflow is no value
  CHECK(env.Eval("user.locked_until - now()").as_duration() == 20 * 60);
  CHECK(env.Eval("now() - user.locked_until").as_duration() == -20 * 60);
  CHECK(env.Eval("now() + 2h").as_time() == T("2026-11-29T12:00:00Z"));
  CHECK(env.Eval("2h + now()").as_time() == T("2026-11-29T12:00:00Z"));
  CHECK(env.Eval("user.locked_until - minutes(tenant.settings.lockout_minutes)").as_time() ==
        T("2026-11-29T09:50:00Z"));
  CHECK(env.Eval("today() + 3d").as_date() == testing::D("2026-12-02"));
  CHECK(env.Eval("today() + 36h").as_date() == testing::D("2026-11-30"));  // whole days
  CHECK(env.Eval("today() - 1d").as_date() == testing::D("2026-11-28"));
  CHECK(env.Eval("user.subscription_end - today()").as_duration() ==
        (testing::D("2027-09-01") - testing::D("2026-11-29")) * kSecondsPerDay);
  CHECK(env.Eval("3 * 1d").as_duration() == 3 * 86400);
  CHECK(env.Eval("1d * 3").as_duration() == 3 * 86400);
  CHECK(env.Eval("1.5 * 1h").as_duration() == 5400);
  CHECK(env.Eval("1h / 2").as_duration() == 1800);
  CHECK(env.Eval("1h - 15m").as_duration() == 2700);
  CHECK(env.Eval("-1h").as_duration() == -3600);
}

TEST_CASE("days, hours, minutes convert both ways", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("days(3)").as_duration() == 3 * 86400);
  CHECK(env.Eval("hours(2)").as_duration() == 7200);
  CHECK(env.Eval("minutes(tenant.settings.lockout_minutes)").as_duration() == 1800);
  CHECK(env.Eval("days(user.subscription_end - today())").as_int() ==
        testing::D("2027-09-01") - testing::D("2026-11-29"));
  CHECK(env.Eval("minutes(user.locked_until - now())").as_int() == 20);
  CHECK(env.Eval("hours(90m)").as_int() == 1);
  CHECK(env.Eval("days(0.5)").as_duration() == 43200);
}

TEST_CASE("now, today and date of a timestamp", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("now()").as_time() == T("2026-11-29T10:00:00Z"));
  CHECK(env.Eval("today()").as_date() == testing::D("2026-11-29"));
  CHECK(env.Eval("date(user.locked_until)").as_date() == testing::D("2026-11-29"));
  CHECK(env.Test("date(now()) == today()") == Tri::kTrue);
}

TEST_CASE("if chooses a branch, and an unknown condition gives unknown", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("if(user.failed_logins > 3, \"many\", \"few\")").as_string() == "many");
  CHECK(env.Eval("if(user.mfa_registered, 1, 2)").as_int() == 2);
  CHECK(env.Eval("if(other.mfa_registered, 1, 2)").is_absent());
  CHECK(env.Eval("if(user.mfa_registered, null, 2)").as_int() == 2);
}

TEST_CASE("count, any, all, where, map", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("count(user.recent_sign_ins)").as_int() == 4);
  CHECK(env.Eval("count(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\")").as_int() == 2);
  CHECK(env.Test("any(user.recent_sign_ins, s -> s.outcome == \"success\")") == Tri::kTrue);
  CHECK(env.Test("any(user.recent_sign_ins, s -> s.outcome == \"locked\")") == Tri::kFalse);
  CHECK(env.Test("all(user.recent_sign_ins, s -> s.at < now())") == Tri::kTrue);
  CHECK(env.Test("all(user.recent_sign_ins, s -> s.outcome == \"success\")") == Tri::kFalse);
  CHECK(env.Test("any(user.manager.roles, r -> r == \"x\")") == Tri::kFalse);  // empty
  CHECK(env.Test("all(user.manager.roles, r -> r == \"x\")") == Tri::kTrue);
  CHECK(env.Test("any(other.roles, r -> r == \"x\")") == Tri::kUnknown);
  const Value where = env.Eval("where(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\")");
  REQUIRE(where.kind() == Kind::kList);
  CHECK(where.as_list()->size == 2);
  const Value map = env.Eval("map(user.recent_sign_ins, s -> s.outcome)");
  REQUIRE(map.kind() == Kind::kList);
  REQUIRE(map.as_list()->size == 4);
  CHECK(map.as_list()->items[3].as_string() == "success");
  CHECK(env.Test("\"mfa_failed\" in map(user.recent_sign_ins, s -> s.outcome)") == Tri::kTrue);
  CHECK(env.Eval("count(where(user.recent_sign_ins, s -> s.at >= now() - 1d))").as_int() == 2);
}

TEST_CASE("any and all are three-valued over unknown items", "[expr]") {
  // The second sign-in has no outcome: unknown unless another item decides.
  Env env(R"({"user": {"recent_sign_ins": [
      {"at": "2026-11-28T09:00:00Z", "outcome": "bad_password"},
      {"at": "2026-11-28T10:00:00Z"}]}})");
  CHECK(env.Test("any(user.recent_sign_ins, s -> s.outcome == \"bad_password\")") == Tri::kTrue);
  CHECK(env.Test("any(user.recent_sign_ins, s -> s.outcome == \"success\")") == Tri::kUnknown);
  CHECK(env.Test("all(user.recent_sign_ins, s -> s.outcome == \"success\")") == Tri::kFalse);
  CHECK(env.Test("all(user.recent_sign_ins, s -> s.outcome != \"success\")") == Tri::kUnknown);
  CHECK(env.Eval("count(user.recent_sign_ins, s -> s.outcome == \"x\")").is_absent());
  CHECK(env.Eval("count(user.recent_sign_ins)").as_int() == 2);
}

TEST_CASE("nested lambdas with different names", "[expr]") {
  Env env(kFacts);
  CHECK(env.Test("any(user.recent_sign_ins, s -> any(user.roles, r -> r == \"supervisor\" and s.outcome == "
                 "\"success\"))") == Tri::kTrue);
  CHECK(env.Eval("count(user.recent_sign_ins, s -> count(user.recent_sign_ins, t -> t.at == s.at) > 1)").as_int() ==
        2);
}

TEST_CASE("first, last, first_n, last_n, newest, oldest", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("first(user.recent_sign_ins).outcome").as_string() == "bad_password");
  CHECK(env.Eval("last(user.recent_sign_ins).outcome").as_string() == "success");
  CHECK(env.Eval("first(user.manager.roles)").is_null());
  CHECK(env.Eval("count(first_n(user.recent_sign_ins, 2))").as_int() == 2);
  CHECK(env.Eval("last(last_n(user.recent_sign_ins, 3)).outcome").as_string() == "success");
  CHECK(env.Eval("first(last_n(user.recent_sign_ins, 3)).outcome").as_string() == "mfa_failed");
  CHECK(env.Eval("count(last_n(user.recent_sign_ins, 99))").as_int() == 4);
  CHECK(env.Eval("count(first_n(user.recent_sign_ins, -1))").as_int() == 0);
  // Items 2 and 3 tie on `at`: ties go to the later item (3, the second mfa_failed).
  const Value newest = env.Eval("newest(user.recent_sign_ins, s -> s.at)");
  REQUIRE(newest.kind() == Kind::kRecord);
  const Value list = env.Eval("user.recent_sign_ins");
  CHECK(newest.as_record() == list.as_list()->items[2].as_record());
  CHECK(env.Eval("oldest(user.recent_sign_ins, s -> s.at).outcome").as_string() == "success");
  CHECK(env.Eval("newest(user.manager.roles, r -> r)").is_null());
}

TEST_CASE("min, max, sum", "[expr]") {
  Env env(kFacts);
  CHECK(env.Eval("min(3, 5)").as_int() == 3);
  CHECK(env.Eval("max(3, 5)").as_int() == 5);
  CHECK(env.Eval("max(user.score, 1)").as_float() == 2.5);
  CHECK(env.Eval("min([4, 2, 9])").as_int() == 2);
  CHECK(env.Eval("max([4, 2, 9])").as_int() == 9);
  CHECK(env.Eval("max(map(user.recent_sign_ins, s -> s.at))").as_time() == T("2026-11-28T10:00:00Z"));
  CHECK(env.Eval("sum([4, 2, 9])").as_int() == 15);
  CHECK(env.Eval("sum([1.5, 2])").as_float() == 3.5);
  CHECK(env.Eval("sum([1h, 30m])").as_duration() == 5400);
  CHECK(env.Eval("min(user.manager.roles)").is_null());
  CHECK(env.Eval("min(other.failed_logins, 3)").is_absent());
}

TEST_CASE("string functions", "[expr]") {
  Env env(R"({"user": {"display_name": "  Jamie Smith ", "status": "Full_User", "roles": ["a", "b"]}})");
  CHECK(env.Eval("lower(user.status)").as_string() == "full_user");
  CHECK(env.Eval("upper(user.status)").as_string() == "FULL_USER");
  CHECK(env.Eval("trim(user.display_name)").as_string() == "Jamie Smith");
  CHECK(env.Eval("len(user.status)").as_int() == 9);
  CHECK(env.Eval("len(\"é\")").as_int() == 1);  // characters, not bytes
  CHECK(env.Eval("len(user.roles)").as_int() == 2);
  CHECK(env.Test("contains(user.status, \"User\")") == Tri::kTrue);
  CHECK(env.Test("contains(user.roles, \"b\")") == Tri::kTrue);
  CHECK(env.Test("contains(user.roles, \"c\")") == Tri::kFalse);
  CHECK(env.Test("starts_with(user.status, \"Full\")") == Tri::kTrue);
  CHECK(env.Test("ends_with(user.status, \"user\")") == Tri::kFalse);
  CHECK(env.Test("same_text(user.display_name, \"jamie smith\")") == Tri::kTrue);
  CHECK(env.Test("same_text(user.display_name, \"jamie smit\")") == Tri::kFalse);
  CHECK(env.Test("matches(user.status, \"^(?i)full_user$\")") == Tri::kTrue);
  CHECK(env.Test("matches(user.status, \"^expired$\")") == Tri::kFalse);
  CHECK(env.Test("matches(other.status, \"x\")") == Tri::kUnknown);
  CHECK(env.Test("contains(other.roles, \"b\")") == Tri::kUnknown);
}

TEST_CASE("a catastrophic pattern runs in linear time under RE2", "[expr]") {
  FactArena arena;
  std::string json = R"({"user": {"status": ")" + std::string(100000, 'a') + R"(b"}})";
  EvalContext ctx;
  ctx.root = testing::Facts(json.c_str(), arena);
  auto e = Expression::Compile("matches(user.status, \"^(a+)+$\")", testing::Test().schema);
  REQUIRE(e->ok());
  CHECK(e->Test(ctx, nullptr) == Tri::kFalse);
}

TEST_CASE("the trace names each leaf once per evaluation and each missing fact once", "[expr]") {
  Env env(kFacts);
  FactArena arena;
  EvalContext ctx;
  ctx.root = testing::Facts(R"({"user": {"status": "full_user"}})", arena);
  ctx.now = T("2026-11-29T10:00:00Z");
  auto e = Expression::Compile(
      "user.status == \"full_user\" and (user.locked_until > now() or user.locked_until == null) and "
      "user.mfa_registered",
      testing::Test().schema);
  REQUIRE(e->ok());
  REQUIRE(e->conditions().size() == 4);
  CHECK(e->conditions()[3].op == "fact");
  CHECK(e->conditions()[3].paths == std::vector<std::string>{"user.mfa_registered"});
  Trace trace;
  CHECK(e->Test(ctx, &trace) == Tri::kUnknown);
  CHECK(trace.outcomes().size() == 4);
  std::vector<std::string> missing;
  for (int p : trace.missing()) missing.push_back(e->paths()[p]);
  CHECK(missing == std::vector<std::string>{"user.locked_until", "user.mfa_registered"});
  // A second evaluation after Clear() keeps the capacity and starts afresh.
  trace.Clear();
  CHECK(e->Test(ctx, &trace) == Tri::kUnknown);
  CHECK(trace.outcomes().size() == 4);
  // A decided `and` stops early: later leaves are not reached.
  ctx.root = testing::Facts(R"({"user": {"status": "expired"}})", arena);
  trace.Clear();
  CHECK(e->Test(ctx, &trace) == Tri::kFalse);
  CHECK(trace.outcomes().size() == 1);
  CHECK(trace.missing().empty());
}

TEST_CASE("exists and coalesce do not report their first argument as missing", "[expr]") {
  FactArena arena;
  EvalContext ctx;
  ctx.root = testing::Facts(R"({"user": {}})", arena);
  auto e = Expression::Compile("exists(user.locked_until) or coalesce(user.mobile, \"\") == \"\"",
                               testing::Test().schema);
  REQUIRE(e->ok());
  Trace trace;
  CHECK(e->Test(ctx, &trace) == Tri::kTrue);
  CHECK(trace.missing().empty());
}

}  // namespace
}  // namespace whyd
