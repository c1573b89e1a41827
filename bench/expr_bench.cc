// Benchmarks of the expression language and templates against the account
// schema: compile cost (paid once per pack load) and evaluation cost (paid per
// rule per question, which must stay well under a microsecond and allocate
// nothing in steady state).
//
// Run: build/bench/expr_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "engine/expression.h"
#include "engine/facts_json.h"
#include "engine/template.h"
#include "knowledge/account_schema.h"

namespace whyd {
namespace {

constexpr const char* kFacts = R"({
  "user": {
    "display_name": "Jamie Smith", "status": "full_user", "effective_status": "full_user",
    "failed_logins": 5, "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01",
    "roles": ["supervisor", "bulk_upload"],
    "recent_sign_ins": [
      {"at": "2026-11-28T09:00:00Z", "outcome": "bad_password", "interface": "console"},
      {"at": "2026-11-28T09:05:00Z", "outcome": "success", "interface": "console"},
      {"at": "2026-11-28T10:00:00Z", "outcome": "mfa_failed", "interface": "console"},
      {"at": "2026-11-28T10:01:00Z", "outcome": "mfa_failed", "interface": "classic"},
      {"at": "2026-11-28T10:02:00Z", "outcome": "bad_password", "interface": "console"}
    ]
  },
  "tenant": {"name": "Acme", "settings": {"lockout_threshold": 5, "lockout_minutes": 30}}
})";

const char* const kConditions[] = {
    "user.locked_until > now()",
    "count(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\") >= 2",
    "user.effective_status in [\"expired\", \"cancelled\", \"archived\"] or "
    "(user.failed_logins >= tenant.settings.lockout_threshold and user.locked_until == null)",
    "any(user.recent_sign_ins, s -> s.interface == \"classic\" and s.at > now() - 7d)",
};

const char* const kTemplate =
    "{user.display_name}'s account has been locked since "
    "{user.locked_until - minutes(tenant.settings.lockout_minutes) | datetime} after "
    "{user.failed_logins | plural:\"failed sign-in\"}; it unlocks at {user.locked_until | clock}.";

struct Facts {
  FactArena arena;
  FactArena scratch;
  EvalContext ctx;
  Facts() {
    StatusOr<const Record*> root = RecordFromJson(nlohmann::json::parse(kFacts), *AccountSchema().root(), arena);
    if (!root.ok()) std::abort();
    ctx.root = *root;
    ctx.now = 1795860000;  // 2026-11-29T10:00:00Z
    ctx.scratch = &scratch;
  }
};

void BM_Compile(benchmark::State& state) {
  const char* text = kConditions[state.range(0)];
  for (auto _ : state) {
    auto e = Expression::Compile(text, AccountSchema());
    benchmark::DoNotOptimize(e);
  }
  state.SetLabel(text);
}
BENCHMARK(BM_Compile)->DenseRange(0, 3);

void BM_Test(benchmark::State& state) {
  const char* text = kConditions[state.range(0)];
  Facts facts;
  auto e = Expression::Compile(text, AccountSchema());
  if (!e->ok()) {
    state.SkipWithError(e->error().message.c_str());
    return;
  }
  Trace trace;
  for (auto _ : state) {
    trace.Clear();
    benchmark::DoNotOptimize(e->Test(facts.ctx, &trace));
  }
  state.SetLabel(text);
}
BENCHMARK(BM_Test)->DenseRange(0, 3);

void BM_TestWithoutTrace(benchmark::State& state) {
  Facts facts;
  auto e = Expression::Compile(kConditions[state.range(0)], AccountSchema());
  for (auto _ : state) benchmark::DoNotOptimize(e->Test(facts.ctx, nullptr));
}
BENCHMARK(BM_TestWithoutTrace)->DenseRange(0, 1);

void BM_CompileTemplate(benchmark::State& state) {
  for (auto _ : state) {
    auto t = Template::Compile(kTemplate, AccountSchema());
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_CompileTemplate);

void BM_RenderTemplate(benchmark::State& state) {
  Facts facts;
  auto t = Template::Compile(kTemplate, AccountSchema());
  if (!t->ok()) {
    state.SkipWithError(t->error().message.c_str());
    return;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    t->Render(facts.ctx, &out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_RenderTemplate);

}  // namespace
}  // namespace whyd

BENCHMARK_MAIN();
