// Rule engine speed: a 12-rule login diagnosis (the learner-cannot-log-in rules
// of rules/login.yaml compiled against the account schema, facts in memory,
// every rule evaluated with its full condition trace) against a hand-written
// if-statement baseline over a struct doing the same 12 checks, and the time
// to load and compile every pack in rules/.
//
//   build/bench/engine_bench --benchmark_min_time=0.5
//
// Targets: >= 1,000,000 diagnoses/s single-threaded; load+compile < 50 ms.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/facts_json.h"
#include "engine/pack_loader.h"
#include "engine/rule_set.h"
#include "engine/time_util.h"
#include "knowledge/account_schema.h"

namespace whyd {
namespace {

const std::string kRulesDir = std::string(WHYD_SOURCE_DIR) + "/rules";

// A learner with a little of everything, so that no rule stops early on an
// absent fact: 6 sign-ins (2 MFA failures), an activation email, settings.
const char* kFacts = R"({
  "user": {"display_name": "Jamie Smith", "email": "jamie@example.org", "status": "full_user",
    "effective_status": "full_user", "subscription_end": "2027-09-01", "auth_type": "password",
    "password_set_at": "2026-10-01T08:00:00Z", "failed_logins": 2, "locked_until": null,
    "classic_access": true, "console_access": true,
    "sign_ins": [{"at": "2026-11-20T09:00:00Z", "outcome": "success"},
                 {"at": "2026-11-21T09:00:00Z", "outcome": "mfa_failed"},
                 {"at": "2026-11-22T09:00:00Z", "outcome": "success"},
                 {"at": "2026-11-23T09:00:00Z", "outcome": "bad_password"},
                 {"at": "2026-11-24T09:00:00Z", "outcome": "mfa_failed"},
                 {"at": "2026-11-25T09:00:00Z", "outcome": "success"}],
    "recent_sign_ins": [{"at": "2026-11-23T09:00:00Z", "outcome": "bad_password"},
                        {"at": "2026-11-25T09:00:00Z", "outcome": "success"}],
    "newest_activation_email": {"to": "jamie@example.org", "sent_at": "2025-09-01T09:05:00Z", "status": "delivered"}},
  "tenant": {"settings": {"lockout_threshold": 5, "lockout_minutes": 30, "password_valid_days": 120,
                          "sso_configured": true}}
})";

const RuleSet& LoginRules() {
  static const RuleSet* rules = [] {
    auto set = RuleSet::Compile(PackSet::Load(kRulesDir + "/login.yaml"), AccountSchema());
    if (!set->ok()) {
      std::fprintf(stderr, "login.yaml does not compile: %s\n", set->errors().front().ToString().c_str());
      std::abort();
    }
    return set.release();
  }();
  return *rules;
}

void BM_Diagnose12Rules(benchmark::State& state) {
  const RuleSet& rules = LoginRules();
  const FaqRules* faq = rules.FindFaq("learner-cannot-log-in");
  FactArena facts_arena;
  auto root = RecordFromJson(nlohmann::json::parse(kFacts), *AccountSchema().root(), facts_arena);
  if (!root.ok() || faq == nullptr || faq->rules.size() != 12) {
    state.SkipWithError("facts or rules not as expected");
    return;
  }
  FactArena scratch_arena;
  EvalContext ctx{*root, *ParseTimestamp("2026-11-29T10:00:00Z"), &scratch_arena};
  DiagnosisScratch scratch;
  int holding = 0;
  for (auto _ : state) {
    scratch_arena.Reset();
    rules.Diagnose(*faq, ctx, &scratch);
    for (const RuleOutcome& o : scratch.outcomes()) holding += o.result == Tri::kTrue;
    benchmark::DoNotOptimize(holding);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules_holding"] = static_cast<double>(holding) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Diagnose12Rules);

// The same 12 checks written by hand over a plain struct: the floor the
// engine is measured against.
struct SignIn {
  int64_t at;
  const char* outcome;
};
struct PlainLearner {
  std::string effective_status = "full_user", status = "full_user", auth_type = "password";
  int32_t subscription_end = 0;
  int64_t password_set_at = 0;
  int64_t locked_until = 0;  // 0: null
  bool classic = true, console = true, sso_configured = true;
  int password_valid_days = 120;
  std::vector<SignIn> sign_ins, recent;
  std::string activation_status = "delivered";
};

uint32_t HandWrittenDiagnosis(const PlainLearner& u, int64_t now) {
  const int32_t today = DateOfTime(now);
  uint32_t holds = 0;
  auto is = [](const std::string& a, const char* b) { return a == b; };
  holds |= is(u.effective_status, "prospect") << 0;
  holds |= is(u.effective_status, "invited") << 1;
  holds |= (is(u.effective_status, "expired") || (is(u.status, "full_user") && u.subscription_end < today)) << 2;
  holds |= is(u.effective_status, "cancelled") << 3;
  holds |= is(u.effective_status, "archived") << 4;
  holds |= (u.locked_until != 0 && u.locked_until > now) << 5;
  holds |= (is(u.auth_type, "password") && u.password_valid_days > 0 &&
            now >= u.password_set_at + int64_t{u.password_valid_days} * kSecondsPerDay) << 6;
  bool typed = false;
  for (const SignIn& s : u.recent) {
    typed = typed || std::string_view(s.outcome) == "bad_password" || std::string_view(s.outcome) == "sso_required";
  }
  holds |= (is(u.auth_type, "sso") && typed) << 7;
  holds |= (is(u.auth_type, "sso") && !u.sso_configured) << 8;
  holds |= (!u.classic && !u.console) << 9;
  holds |= (is(u.effective_status, "invited") &&
            (is(u.activation_status, "bounced") || is(u.activation_status, "blocked") ||
             is(u.activation_status, "spam_complaint"))) << 10;
  int mfa = 0;
  size_t from = u.sign_ins.size() > 5 ? u.sign_ins.size() - 5 : 0;
  for (size_t i = from; i < u.sign_ins.size(); ++i) mfa += std::string_view(u.sign_ins[i].outcome) == "mfa_failed";
  holds |= (mfa >= 2) << 11;
  return holds;
}

void BM_HandWrittenBaseline(benchmark::State& state) {
  PlainLearner u;
  u.subscription_end = *ParseDate("2027-09-01");
  u.password_set_at = *ParseTimestamp("2026-10-01T08:00:00Z");
  for (const char* o : {"success", "mfa_failed", "success", "bad_password", "mfa_failed", "success"}) {
    u.sign_ins.push_back({0, o});
  }
  u.recent = {{0, "bad_password"}, {0, "success"}};
  const int64_t now = *ParseTimestamp("2026-11-29T10:00:00Z");
  for (auto _ : state) {
    benchmark::DoNotOptimize(u);
    benchmark::DoNotOptimize(HandWrittenDiagnosis(u, now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandWrittenBaseline);

void BM_LoadAndCompileAllPacks(benchmark::State& state) {
  for (auto _ : state) {
    auto rules = RuleSet::Compile(PackSet::Load(kRulesDir), AccountSchema());
    if (!rules->ok()) {
      state.SkipWithError("rules/ does not compile");
      return;
    }
    benchmark::DoNotOptimize(rules.get());
  }
}
BENCHMARK(BM_LoadAndCompileAllPacks)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace whyd

BENCHMARK_MAIN();
