// Compile-time checks of expressions: name resolution with suggestions, type
// errors, arity, patterns, error positions, and hostile input.
#include <catch2/catch.hpp>

#include "engine/expression.h"
#include "tests/engine/expr_test_schema.h"

namespace whyd {
namespace {

CompileError ErrorOf(std::string_view text, const CompileOptions& options = {}) {
  auto e = Expression::Compile(text, testing::Test().schema, options);
  INFO(text);
  REQUIRE_FALSE(e->ok());
  REQUIRE(e->conditions().empty());
  return e->error();
}

// Concatenation without `"literal" + std::string`, which trips a GCC 12
// -Wrestrict false positive.
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

bool Compiles(std::string_view text) {
  auto e = Expression::Compile(text, testing::Test().schema);
  INFO(text << " -> " << e->error().message);
  return e->ok();
}

TEST_CASE("an unknown field is reported with a suggestion and its position", "[expr][compile]") {
  const CompileError e = ErrorOf("user.stauts == \"x\"");
  CHECK(e.message == "unknown field 'stauts' of user (did you mean 'status'?)");
  CHECK(e.offset == 5);
  CHECK(e.line == 1);
  CHECK(e.column == 6);
  CHECK(ErrorOf("usr.status == \"x\"").message == "unknown name 'usr' (did you mean 'user'?)");
  CHECK(ErrorOf("user.zzzzzzzz").message == "unknown field 'zzzzzzzz' of user");
  CHECK(ErrorOf("cuont(user.roles)").message.find("did you mean 'count'") != std::string::npos);
}

TEST_CASE("error lines and columns count within multi-line expressions", "[expr][compile]") {
  const CompileError e = ErrorOf("user.status == \"x\"\n  and user.mfa_registerd");
  CHECK(e.line == 2);
  CHECK(e.column == 12);
  CHECK(e.message.find("did you mean 'mfa_registered'") != std::string::npos);
}

TEST_CASE("type errors", "[expr][compile]") {
  CHECK(ErrorOf("user.status == 5").message == "cannot compare string 'user.status' with int '5'");
  CHECK(ErrorOf("user.subscription_end < now()").message.find("cannot compare date") == 0);
  CHECK(ErrorOf("user.status and true").message.find("'and' needs true/false") == 0);
  CHECK(ErrorOf("not user.failed_logins").message.find("'not' needs true/false") == 0);
  CHECK(ErrorOf("lower(user.roles)").message.find("'lower' needs a string") == 0);
  CHECK(ErrorOf("count(user.status)").message.find("'count' needs a list") == 0);
  CHECK(ErrorOf("user.status + 1").message.find("cannot apply '+'") == 0);
  CHECK(ErrorOf("now() + now()").message.find("cannot apply '+'") == 0);
  CHECK(ErrorOf("user.roles < 3").message.find("cannot compare") == 0);
  CHECK(ErrorOf("user.roles > user.roles").message.find("'>' cannot order") == 0);
  CHECK(ErrorOf("user.status in user.status").message.find("'in' needs a list") == 0);
  CHECK(ErrorOf("5 in user.roles").message.find("cannot look for int") == 0);
  CHECK(ErrorOf("if(user.failed_logins, 1, 2)").message.find("the condition of 'if' needs") == 0);
  CHECK(ErrorOf("if(true, 1, \"a\")").message.find("the branches of 'if' differ") == 0);
  CHECK(ErrorOf("[1, \"a\"]").message.find("list items must have one type") == 0);
  CHECK(ErrorOf("user.roles.name").message.find("is a list; use map(") != std::string::npos);
  CHECK(ErrorOf("user.status.name").message.find("cannot look up 'name' on string") == 0);
  CHECK(ErrorOf("any(user.roles, r -> r)").message.find("the lambda of 'any' needs true/false") == 0);
  CHECK(ErrorOf("-user.status").message.find("cannot negate") == 0);
  CHECK(ErrorOf("days(user.status)").message.find("'days' needs a number or a duration") == 0);
}

TEST_CASE("arity and lambdas", "[expr][compile]") {
  CHECK(ErrorOf("count()").message == "'count' takes 1 or 2 arguments, got 0");
  CHECK(ErrorOf("lower(\"a\", \"b\")").message == "'lower' takes 1 argument, got 2");
  CHECK(ErrorOf("now(1)").message == "'now' takes 0 arguments, got 1");
  CHECK(ErrorOf("if(true, 1)").message == "'if' takes 3 arguments, got 2");
  CHECK(ErrorOf("any(user.roles, true)").message == "argument 2 of 'any' must be a lambda (x -> ...)");
  CHECK(ErrorOf("lower(x -> x)").message.find("does not take a lambda") != std::string::npos);
  CHECK(ErrorOf("x -> x").message.find("can only be an argument") != std::string::npos);
  CHECK(ErrorOf("any(user.roles, r -> any(user.roles, r -> true))").message.find("already bound") !=
        std::string::npos);
  CHECK(ErrorOf("any(user.recent_sign_ins, s -> s.outcom == \"x\")").message ==
        "unknown field 'outcom' of sign_in (did you mean 'outcome'?)");
  // A lambda parameter is not visible outside its lambda.
  CHECK(ErrorOf("any(user.roles, r -> true) and r == \"a\"").message.find("unknown name 'r'") == 0);
}

TEST_CASE("matches needs a literal, valid pattern", "[expr][compile]") {
  CHECK(ErrorOf("matches(user.status, user.status)").message == "the pattern of 'matches' must be a string literal");
  CHECK(ErrorOf("matches(user.status, \"(a\")").message.find("bad regular expression") == 0);
  // A pattern too large for the RE2 memory budget is rejected, not built.
  std::string huge = "matches(user.status, \"";
  for (int i = 0; i < 20; ++i) huge += "\\\\pL{1000}";
  huge += "\")";
  CHECK(ErrorOf(huge).message.find("bad regular expression: pattern too large") == 0);
}

TEST_CASE("date and timestamp literals are checked and folded", "[expr][compile]") {
  CHECK(ErrorOf("date(\"2026-13-01\")").message.find("bad date") == 0);
  CHECK(ErrorOf("timestamp(\"yesterday\")").message.find("bad timestamp") == 0);
  CHECK(ErrorOf("timestamp(user.status)").message.find("'timestamp' needs a string literal") == 0);
  auto e = Expression::Compile("date(\"2026-11-29\")", testing::Test().schema);
  REQUIRE(e->ok());
  CHECK(e->type().kind == Kind::kDate);
  CHECK(e->paths().empty());
}

TEST_CASE("syntax errors", "[expr][compile]") {
  CHECK(ErrorOf("user.status == ").message == "expected a value, found the end of the expression");
  CHECK(ErrorOf("(1 + 2").message.find("expected ')'") == 0);
  CHECK(ErrorOf("1 2").message.find("unexpected '2'") == 0);
  CHECK(ErrorOf("1 < 2 < 3").message.find("comparisons cannot be chained") == 0);
  CHECK(ErrorOf("user.status = \"x\"").message == "'=' is not an operator (use '==')");
  CHECK(ErrorOf("true && false").message == "'&&' is not an operator (use 'and')");
  CHECK(ErrorOf("\"abc").message == "unterminated string");
  CHECK(ErrorOf("'abc\\").message == "unterminated string");
  CHECK(ErrorOf("\"\\q\"").message.find("unknown escape") == 0);
  CHECK(ErrorOf("30x").message.find("bad duration") == 0);
  CHECK(ErrorOf("99999999999999999999").message == "number out of range");
  CHECK(ErrorOf("user.").message.find("expected a field name") == 0);
  CHECK(ErrorOf("#").message.find("unexpected character") == 0);
  CHECK(ErrorOf("").message == "expected a value, found the end of the expression");
}

TEST_CASE("invalid UTF-8 is rejected at its byte offset", "[expr][compile]") {
  const CompileError e = ErrorOf(std::string("\"ab\xff\""));
  CHECK(e.message == "invalid UTF-8 byte");
  CHECK(e.offset == 3);
  CHECK(ErrorOf(std::string("\"\xc0\xaf\"")).message == "invalid UTF-8 byte");  // overlong
  CHECK(Compiles("\"caf\xc3\xa9\" == user.status"));
}

TEST_CASE("hostile input fails cleanly", "[expr][compile]") {
  CompileOptions big;
  big.max_length = 4 << 20;
  SECTION("deep parentheses") {
    const std::string text = std::string(100000, '(') + "1" + std::string(100000, ')');
    CHECK(ErrorOf(text, big).message.find("nested too deeply") != std::string::npos);
  }
  SECTION("deep not, minus, lists and calls") {
    std::string nots;
    for (int i = 0; i < 20000; ++i) nots += "not ";
    CHECK(ErrorOf(nots + "true", big).message.find("nested too deeply") != std::string::npos);
    CHECK(ErrorOf(std::string(20000, '-') + "1", big).message.find("nested too deeply") != std::string::npos);
    CHECK(ErrorOf(std::string(20000, '[') + "1" + std::string(20000, ']'), big).message.find("nested too deeply") !=
          std::string::npos);
    std::string calls;
    for (int i = 0; i < 20000; ++i) calls += "lower(";
    CHECK(ErrorOf(calls + "\"a\"" + std::string(20000, ')'), big).message.find("nested too deeply") !=
          std::string::npos);
  }
  SECTION("long flat chains are bounded by tree height") {
    std::string sum = "1";
    for (int i = 0; i < 5000; ++i) sum += " + 1";
    CHECK(ErrorOf(sum, big).message.find("nested too deeply") != std::string::npos);
    std::string ors = "true";
    for (int i = 0; i < 5000; ++i) ors += " or true";
    CHECK(Expression::Compile(ors, testing::Test().schema, big)->ok());  // and/or chains are flat
  }
  SECTION("a 1 MB string is over the length limit") {
    const std::string text = Cat({"\"", std::string(1 << 20, 'a'), "\""});
    const CompileError e = ErrorOf(text);
    CHECK(e.message == "expression is longer than 16384 bytes");
    CHECK(e.offset == 16384);
  }
  SECTION("a 1 MB string within a raised limit compiles") {
    const std::string text = Cat({"len(\"", std::string(1 << 20, 'a'), "\") > 3"});
    auto e = Expression::Compile(text, testing::Test().schema, big);
    CHECK(e->ok());
  }
  SECTION("too many lambdas") {
    std::string text = "true";
    for (int i = 0; i < 20; ++i) {
      text.append(" and any(user.roles, r").append(std::to_string(i)).append(" -> true)");
    }
    CHECK(ErrorOf(text).message.find("too many lambdas") == 0);
  }
}

TEST_CASE("conditions and paths describe what a rule reads", "[expr][compile]") {
  auto e = Expression::Compile(
      "user.locked_until > now() and tenant.settings.lockout_threshold <= user.failed_logins and "
      "not contains(user.roles, \"supervisor\")",
      testing::Test().schema);
  REQUIRE(e->ok());
  CHECK(e->type().kind == Kind::kBool);
  CHECK(e->paths() == std::vector<std::string>{"user.locked_until", "tenant.settings.lockout_threshold",
                                              "user.failed_logins", "user.roles"});
  REQUIRE(e->conditions().size() == 3);
  CHECK(e->conditions()[0].text == "user.locked_until > now()");
  CHECK(e->conditions()[0].op == ">");
  CHECK(e->conditions()[0].lhs_text == "user.locked_until");
  CHECK(e->conditions()[0].rhs_text == "now()");
  CHECK(e->conditions()[1].paths ==
        std::vector<std::string>{"tenant.settings.lockout_threshold", "user.failed_logins"});
  CHECK(e->conditions()[2].op == "contains");
  CHECK(e->conditions()[2].text == "contains(user.roles, \"supervisor\")");
  CHECK_FALSE(e->conditions()[2].in_lambda);
}

TEST_CASE("realistic rule conditions compile", "[expr][compile]") {
  for (const char* text : {
           "user.locked_until > now()",
           "count(user.recent_sign_ins, s -> s.outcome == \"mfa_failed\") >= 2",
           "user.status == \"full_user\" and user.subscription_end < today()",
           "last(user.recent_sign_ins).outcome in [\"bad_password\", \"locked\"]",
           "user.failed_logins >= tenant.settings.lockout_threshold and user.locked_until == null",
           "is_set(user.manager) and user.manager.status != \"full_user\"",
           "newest(user.recent_sign_ins, s -> s.at).at > now() - 30d",
           "same_text(user.display_name, other.display_name)",
       }) {
    CHECK(Compiles(text));
  }
}

}  // namespace
}  // namespace whyd
