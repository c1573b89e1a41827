// Evaluation of compiled expressions: operators, three-valued logic, null vs
// absent, functions, lambdas, time arithmetic and the Trace.
#include <catch2/catch.hpp>

#include "engine/expression.h"
#include "tests/engine/expr_test_schema.h"

namespace whyd {
namespace {

using testing::D;
using testing::T;

// Facts for one test: a user with a few fields set and a tenant.
class Fixture {
 public:
  Fixture() : ts_(testing::Test()) {
    root_ = arena_.NewRecord(ts_.root);
    user_ = arena_.NewRecord(ts_.user);
    root_->set(ts_.r.user, Value::OfRecord(user_));
    ctx_.root = root_;
    ctx_.now = T("2026-11-29T10:00:00Z");
    ctx_.scratch = &scratch_;
  }
  Record* user() { return user_; }
  Record* root() { return root_; }
  FactArena& arena() { return arena_; }
  const testing::TestSchema& ts() const { return ts_; }
  void SetUser(int field, Value v) { user_->set(field, v); }

  Record* AddSignIn(const char* at, const char* outcome) {
    Record* s = arena_.NewRecord(ts_.sign_in);
    s->set(ts_.s.at, Value::Time(T(at)));
    if (outcome != nullptr) s->set(ts_.s.outcome, arena_.StringValue(outcome));
    sign_ins_.push_back(Value::OfRecord(s));
    user_->set(ts_.u.recent_sign_ins, Value::OfList(arena_.NewList(sign_ins_.data(), sign_ins_.size())));
    return s;
  }

  std::unique_ptr<Expression> Compile(std::string_view text) {
    auto e = Expression::Compile(text, ts_.schema);
    INFO(text << ": " << e->error().message);
    REQUIRE(e->ok());
    return e;
  }
  Tri Test(std::string_view text, Trace* trace = nullptr) { return Compile(text)->Test(ctx_, trace); }
  Value Eval(std::string_view text) { return Compile(text)->Evaluate(ctx_); }
  EvalContext& ctx() { return ctx_; }

 private:
  const testing::TestSchema& ts_;
  FactArena arena_;
  FactArena scratch_;
  Record* root_;
  Record* user_;
  std::vector<Value> sign_ins_;
  EvalContext ctx_;
};

TEST_CASE("locked_until against now(): set, null and absent", "[expr]") {
  Fixture f;
  SECTION("in the future: true") {
    f.SetUser(f.ts().u.locked_until, Value::Time(T("2026-11-29T10:20:00Z")));
    CHECK(f.Test("user.locked_until > now()") == Tri::kTrue);
  }
  SECTION("in the past: false") {
    f.SetUser(f.ts().u.locked_until, Value::Time(T("2026-11-29T09:00:00Z")));
    CHECK(f.Test("user.locked_until > now()") == Tri::kFalse);
  }
  SECTION("null: known not locked, false") {
    f.SetUser(f.ts().u.locked_until, Value::Null());
    CHECK(f.Test("user.locked_until > now()") == Tri::kFalse);
  }
  SECTION("absent: unknown, and the missing path is recorded") {
    auto e = f.Compile("user.locked_until > now()");
    Trace trace;
    CHECK(e->Test(f.ctx(), &trace) == Tri::kUnknown);
    REQUIRE(trace.missing().size() == 1);
    CHECK(e->paths()[trace.missing()[0]] == "user.locked_until");
    REQUIRE(trace.outcomes().size() == 1);
    CHECK(trace.outcomes()[0].outcome == Tri::kUnknown);
    CHECK(trace.outcomes()[0].rhs.kind() == Kind::kTime);
  }
}

TEST_CASE("Kleene truth tables for and, or, not", "[expr]") {
  Fixture f;
  // mfa_registered: true/false/absent drive the operands.
  struct Case { const char* text; Tri expected; };
  const Value values[] = {Value::Bool(false), Value::Bool(true), Value()};
  const Tri tris[] = {Tri::kFalse, Tri::kTrue, Tri::kUnknown};
  auto kleene_and = [](Tri a, Tri b) {
    if (a == Tri::kFalse || b == Tri::kFalse) return Tri::kFalse;
    if (a == Tri::kUnknown || b == Tri::kUnknown) return Tri::kUnknown;
    return Tri::kTrue;
  };
  auto kleene_or = [](Tri a, Tri b) {
    if (a == Tri::kTrue || b == Tri::kTrue) return Tri::kTrue;
    if (a == Tri::kUnknown || b == Tri::kUnknown) return Tri::kUnknown;
    return Tri::kFalse;
  };
  Record* other = f.arena().NewRecord(f.ts().user);
  f.root()->set(f.ts().r.other, Value::OfRecord(other));
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      f.SetUser(f.ts().u.mfa_registered, values[i]);
      other->set(f.ts().u.mfa_registered, values[j]);
      INFO("a=" << TriName(tris[i]) << " b=" << TriName(tris[j]));
      CHECK(f.Test("user.mfa_registered and other.mfa_registered") == kleene_and(tris[i], tris[j]));
      CHECK(f.Test("user.mfa_registered or other.mfa_registered") == kleene_or(tris[i], tris[j]));
    }
    const Tri negated = tris[i] == Tri::kUnknown ? Tri::kUnknown : (tris[i] == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
    CHECK(f.Test("not user.mfa_registered") == negated);
  }
}

TEST_CASE("count with a lambda, and the trace of the comparison", "[expr]") {
  Fixture f;
  f.AddSignIn("2026-11-28T10:00:00Z", "mfa_failed");
  f.AddSignIn("2026-11-28T11:00:00Z", "success");
  f.AddSignIn("2026-11-28T12:00:00Z", "mfa_failed");
  auto e = f.Compile("count(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\") >= 2");
  Trace trace;
  CHECK(e->Test(f.ctx(), &trace) == Tri::kTrue);
  const auto& conditions = e->conditions();
  REQUIRE(conditions.size() == 2);
  int outer = conditions[0].in_lambda ? 1 : 0;
  CHECK(conditions[outer].op == ">=");
  CHECK(conditions[outer].lhs_text == "count(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\")");
  CHECK(conditions[outer].rhs_text == "2");
  CHECK(conditions[1 - outer].in_lambda);
  CHECK(conditions[1 - outer].paths == std::vector<std::string>{"user.recent_sign_ins[].outcome"});
  // Three inner comparisons and the outer one.
  REQUIRE(trace.outcomes().size() == 4);
  const ConditionOutcome& last = trace.outcomes().back();
  CHECK(last.condition == outer);
  CHECK(last.lhs.as_int() == 2);
  CHECK(last.rhs.as_int() == 2);
  CHECK(f.Test("count(user.recent_sign_ins) == 3") == Tri::kTrue);
}

}  // namespace
}  // namespace whyd
