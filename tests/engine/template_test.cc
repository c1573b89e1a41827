// Templates: holes, every format, escapes, unknown and null holes, and
// compile errors located within the template text.
#include <catch2/catch.hpp>

#include "engine/template.h"
#include "tests/engine/expr_test_schema.h"

namespace whyd {
namespace {

constexpr const char* kFacts = R"({
  "user": {
    "display_name": "Jamie Smith", "failed_logins": 5, "mobile": null,
    "locked_until": "2026-11-29T10:20:00Z", "subscription_end": "2027-09-01",
    "roles": ["supervisor", "bulk_upload"], "lockout": 11000,
    "recent_sign_ins": [
      {"at": "2026-11-28T09:00:00Z", "outcome": "bad_password"},
      {"at": "2026-11-28T10:00:00Z", "outcome": "mfa_failed"}
    ],
    "manager": {"display_name": "James", "roles": ["one"]}
  },
  "tenant": {"settings": {"lockout_minutes": 30}}
})";

class Renderer {
 public:
  Renderer() {
    ctx_.root = testing::Facts(kFacts, arena_);
    ctx_.now = testing::T("2026-11-29T10:00:00Z");
    ctx_.scratch = &scratch_;
  }
  std::string operator()(std::string_view text) {
    auto t = Template::Compile(text, testing::Test().schema);
    INFO(text << " -> " << t->error().message);
    REQUIRE(t->ok());
    return t->Render(ctx_);
  }
  EvalContext& ctx() { return ctx_; }

 private:
  FactArena arena_;
  FactArena scratch_;
  EvalContext ctx_;
};

CompileError ErrorOf(std::string_view text) {
  auto t = Template::Compile(text, testing::Test().schema);
  INFO(text);
  REQUIRE_FALSE(t->ok());
  return t->error();
}

TEST_CASE("the example from the rule-language document renders", "[template]") {
  Renderer render;
  CHECK(render("{user.display_name}'s account has been locked since "
               "{user.locked_until - minutes(tenant.settings.lockout_minutes) | datetime} after "
               "{user.failed_logins | plural:\"failed sign-in\"}; it unlocks at {user.locked_until | clock}.") ==
        "Jamie Smith's account has been locked since 29 Nov 2026 09:50 after 5 failed sign-ins; it unlocks at "
        "10:20.");
}

TEST_CASE("holes without a format", "[template]") {
  Renderer render;
  CHECK(render("{user.display_name}") == "Jamie Smith");
  CHECK(render("{user.failed_logins}") == "5");
  CHECK(render("{2.5}") == "2.5");
  CHECK(render("{user.subscription_end}") == "1 Sep 2027");
  CHECK(render("{user.locked_until}") == "29 Nov 2026 10:20");
  CHECK(render("{user.locked_until - now()}") == "20 minutes");
  CHECK(render("{user.roles}") == "supervisor, bulk_upload");
  CHECK(render("{user.failed_logins > 3}") == "true");
  CHECK(render("no holes at all") == "no holes at all");
  CHECK(render("") == "");
}

TEST_CASE("absent renders as (unknown), null as (none)", "[template]") {
  Renderer render;
  CHECK(render("[{other.display_name}]") == "[(unknown)]");
  CHECK(render("[{other.locked_until | clock}]") == "[(unknown)]");
  CHECK(render("[{user.mobile}]") == "[(none)]");
}

TEST_CASE("time formats", "[template]") {
  Renderer render;
  CHECK(render("{user.locked_until | date}") == "29 Nov 2026");
  CHECK(render("{user.subscription_end | date}") == "1 Sep 2027");
  CHECK(render("{user.locked_until | datetime}") == "29 Nov 2026 10:20");
  CHECK(render("{user.locked_until | clock}") == "10:20");
  CHECK(render("{user.lockout | duration}") == "3 hours 3 minutes");
  CHECK(render("{3d + 4h | duration}") == "3 days 4 hours");
  CHECK(render("{user.locked_until | relative}") == "in 20 minutes");
  CHECK(render("{now() - 3d | relative}") == "3 days ago");
  CHECK(render("{now() | relative}") == "now");
  CHECK(render("{today() + 1d | relative}") == "tomorrow");
  CHECK(render("{today() - 5d | relative}") == "5 days ago");
}

TEST_CASE("plural, join, list and possessive", "[template]") {
  Renderer render;
  CHECK(render("{user.failed_logins | plural:\"sign-in\"}") == "5 sign-ins");
  CHECK(render("{1 | plural:\"sign-in\"}") == "1 sign-in");
  CHECK(render("{0 | plural:\"address\"}") == "0 addresses");
  CHECK(render("{2 | plural:\"entry\"}") == "2 entries");
  CHECK(render("{2 | plural:\"person|people\"}") == "2 people");
  CHECK(render("{1 | plural:\"person|people\"}") == "1 person");
  CHECK(render("{user.recent_sign_ins | plural:'attempt'}") == "2 attempts");
  CHECK(render("{user.roles | join:\"; \"}") == "supervisor; bulk_upload");
  CHECK(render("{user.recent_sign_ins | list:\"outcome\"}") == "bad_password, mfa_failed");
  CHECK(render("{user.display_name | possessive}") == "Jamie Smith's");
  CHECK(render("{user.manager.display_name | possessive}") == "James'");
}

TEST_CASE("braces: escapes, and braces inside quoted strings", "[template]") {
  Renderer render;
  CHECK(render("{{literal}} and {user.failed_logins}") == "{literal} and 5");
  CHECK(render("{\"a}b\" | possessive}") == "a}b's");
  CHECK(render("{user.roles | join:\" | \"}") == "supervisor | bulk_upload");
}

TEST_CASE("template errors name their place in the template", "[template]") {
  CompileError e = ErrorOf("Hello\n  {user.stauts}");
  CHECK(e.message == "unknown field 'stauts' of user (did you mean 'status'?)");
  CHECK(e.line == 2);
  CHECK(e.column == 9);
  CHECK(ErrorOf("a } b").message.find("unmatched '}'") == 0);
  CHECK(ErrorOf("a { b").message.find("unclosed '{'") == 0);
  CHECK(ErrorOf("a {} b").message.find("empty '{}'") == 0);
  CHECK(ErrorOf("{\"abc}").message.find("unterminated string") == 0);
  CHECK(ErrorOf("{user.failed_logins | plurl:\"x\"}").message == "unknown format 'plurl' (did you mean 'plural'?)");
  CHECK(ErrorOf("{user.failed_logins | plural}").message.find("needs an argument") != std::string::npos);
  CHECK(ErrorOf("{user.failed_logins | clock:\"x\"}").message.find("takes no argument") != std::string::npos);
  CHECK(ErrorOf("{user.display_name | clock}").message.find("does not apply to string") != std::string::npos);
  CHECK(ErrorOf("{user.roles | list:\"name\"}").message.find("does not apply") != std::string::npos);
  CHECK(ErrorOf("{user.recent_sign_ins | list:\"outcom\"}").message ==
        "unknown field 'outcom' of sign_in (did you mean 'outcome'?)");
  CHECK(ErrorOf("{user.manager}").message.find("a record cannot be shown") == 0);
  CHECK(ErrorOf("{user.failed_logins | plural:\"x\" extra}").message.find("unexpected text") == 0);
}

TEST_CASE("paths lists every fact a template reads", "[template]") {
  auto t = Template::Compile("{user.display_name} {user.display_name | possessive} {tenant.settings.lockout_minutes}",
                             testing::Test().schema);
  REQUIRE(t->ok());
  CHECK(t->paths() == std::vector<std::string>{"user.display_name", "tenant.settings.lockout_minutes"});
}

TEST_CASE("rendering appends to the caller's string", "[template]") {
  Renderer render;
  auto t = Template::Compile("{user.failed_logins}", testing::Test().schema);
  REQUIRE(t->ok());
  std::string out = "n=";
  t->Render(render.ctx(), &out);
  t->Render(render.ctx(), &out);
  CHECK(out == "n=55");
}

}  // namespace
}  // namespace whyd
