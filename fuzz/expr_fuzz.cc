// libFuzzer target for the expression language and templates.
//
// Input: an expression (or, when it starts with 'T', a template) compiled
// against the engine tests' small schema; when it compiles, it is evaluated
// and rendered over fixed facts with a trace. Finds crashes, hangs, stack
// overflows and undefined behaviour in the lexer, compiler, evaluator and
// template engine. Run with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/expression.h"
#include "engine/template.h"
#include "tests/engine/expr_test_schema.h"

namespace {

constexpr const char* kFacts = R"({
  "user": {
    "display_name": "Jamie Smith", "status": "full_user", "failed_logins": 5, "mobile": null,
    "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01", "score": 2.5,
    "roles": ["supervisor", null, "bulk_upload"], "lockout": 1800, "mfa_registered": false,
    "recent_sign_ins": [
      {"at": "2026-11-28T09:00:00Z", "outcome": "bad_password"},
      {"at": "2026-11-28T10:00:00Z"},
      {"at": "2026-11-28T10:00:00Z", "outcome": "mfa_failed"}
    ],
    "manager": {"display_name": "James", "manager": null}
  },
  "tenant": {"name": "Acme", "settings": {"lockout_minutes": 30, "lockout_threshold": 5}}
})";

struct Fixture {
  whyd::FactArena facts;
  whyd::FactArena scratch;
  whyd::EvalContext ctx;
  whyd::Trace trace;
  Fixture() {
    ctx.root = whyd::testing::Facts(kFacts, facts);
    ctx.now = whyd::testing::T("2026-11-29T10:00:00Z");
    ctx.scratch = &scratch;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const whyd::Schema& schema = whyd::testing::Test().schema;
  fixture->scratch.Reset();
  fixture->trace.Clear();
  if (!input.empty() && input[0] == 'T') {
    auto t = whyd::Template::Compile(input.substr(1), schema);
    if (t->ok()) {
      std::string out;
      t->Render(fixture->ctx, &out);
    }
    return 0;
  }
  auto e = whyd::Expression::Compile(input, schema);
  if (!e->ok()) {
    if (e->error().line < 1 || e->error().column < 1 || e->error().offset < 0) __builtin_trap();
    return 0;
  }
  e->Test(fixture->ctx, &fixture->trace);
  for (const whyd::ConditionOutcome& o : fixture->trace.outcomes()) {
    if (o.condition < 0 || o.condition >= static_cast<int>(e->conditions().size())) __builtin_trap();
  }
  for (int p : fixture->trace.missing()) {
    if (p < 0 || p >= static_cast<int>(e->paths().size())) __builtin_trap();
  }
  const whyd::Value v = e->Evaluate(fixture->ctx);
  std::string shown;
  whyd::AppendValue(v, &shown);
  return 0;
}
