// The ask pipeline over the demo tenant and the real rule packs: who may ask
// about whom, uniform refusals, subject inference, redaction and the shape of
// the answer, and that the answer's JSON text is what the library would write.
// The demo's cast is described in examples/README.md.
#include "server/answerer.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "engine/time_util.h"
#include "server/rulebook.h"

using namespace whyd;

namespace {

struct Demo {
  std::unique_ptr<Store> store;
  std::shared_ptr<const Rulebook> rules;
  int64_t now = *ParseTimestamp("2026-11-29T10:00:00Z");
};

Demo& TheDemo() {
  static Demo* demo = [] {
    auto* d = new Demo;
    auto store = Store::Open(":memory:");
    REQUIRE(store.ok());
    d->store = std::move(*store);
    std::ifstream in(std::string(WHYD_SOURCE_DIR) + "/examples/demo-tenant.json");
    std::stringstream text;
    text << in.rdbuf();
    REQUIRE(d->store->ImportSnapshot(text.str()).ok());
    auto rules = Rulebook::Load(std::string(WHYD_SOURCE_DIR) + "/rules");
    if (!rules.ok()) FAIL(rules.status().message());
    d->rules = *rules;
    return d;
  }();
  return *demo;
}

StatusOr<nlohmann::json> Ask(const std::string& asker, const std::string& question,
                             const std::string& about = "", const std::string& faq = "") {
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store, [&demo] { return demo.now; });
  AskRequest request;
  request.tenant = "demo";
  request.asker = asker;
  request.question = question;
  request.subject_user = about;
  request.faq = faq;
  return answerer.Ask(*demo.rules, request);
}

std::vector<std::string> Causes(const nlohmann::json& answer) {
  std::vector<std::string> causes;
  for (const auto& f : answer["findings"]) causes.push_back(f["cause"]);
  return causes;
}

bool Has(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

void RequireRefused(const StatusOr<nlohmann::json>& answer) {
  REQUIRE_FALSE(answer.ok());
  REQUIRE(answer.status().code() == StatusCode::kPermissionDenied);
  REQUIRE(answer.status().message() == kNotVisibleMessage);
}

}  // namespace

TEST_CASE("an admin diagnoses a learner within their groups") {
  auto answer = Ask("u-adam", "why can't this learner log in?", "u-jamie");
  REQUIRE(answer.ok());
  REQUIRE((*answer)["faq"]["id"] == "learner-cannot-log-in");
  REQUIRE((*answer)["subject"]["user"]["id"] == "u-jamie");
  auto causes = Causes(*answer);
  REQUIRE(Has(causes, "account_locked"));
  REQUIRE_FALSE(Has(causes, "status_expired"));
  REQUIRE_FALSE((*answer)["checked"].empty());
  REQUIRE((*answer)["answer"].get<std::string>().size() > 100);
}

TEST_CASE("refusals look the same whether the user is hidden or does not exist") {
  // Bob administers the southern tree; Jamie is in Leeds (northern tree).
  RequireRefused(Ask("u-bob", "why can't this learner log in?", "u-jamie"));
  RequireRefused(Ask("u-bob", "why can't this learner log in?", "u-nobody"));
  RequireRefused(Ask("u-nobody", "why can't I log in?"));
  // A learner may diagnose only themselves.
  RequireRefused(Ask("u-jamie", "why can't she log in?", "u-priya"));
  // An employer sees only linked learners (Greg manages none of Jamie's links).
  RequireRefused(Ask("u-greg", "why can't this learner log in?", "u-jamie"));
  // Naming a hidden user by email in the question is refused too.
  RequireRefused(Ask("u-bob", "why can't jamie.smith@example.org log in?"));
}

TEST_CASE("an employer may diagnose the learners they manage") {
  auto answer = Ask("u-mark", "why can't my apprentice log in?", "u-jamie");
  REQUIRE(answer.ok());
  REQUIRE(Has(Causes(*answer), "account_locked"));
}

TEST_CASE("an inactive asker may ask only about themselves") {
  auto self = Ask("u-carl", "why can't I log in to my account?");
  REQUIRE(self.ok());
  REQUIRE((*self)["subject"]["user"]["id"] == "u-carl");
  REQUIRE(Has(Causes(*self), "status_cancelled"));
  RequireRefused(Ask("u-cecil", "why can't this learner log in?", "u-jamie"));
}

TEST_CASE("a learner asking about their own account is the subject without naming it") {
  auto answer = Ask("u-jamie", "I can't get into my account");
  REQUIRE(answer.ok());
  REQUIRE((*answer)["subject"]["user"]["id"] == "u-jamie");
}

TEST_CASE("the subject comes from a display name only when it is unique and visible") {
  auto named = Ask("u-adam", "why can't Jamie Smith log in?");
  REQUIRE(named.ok());
  REQUIRE((*named)["subject"]["user"]["id"] == "u-jamie");
  // An admin naming nobody gets asked whom the question is about.
  auto unnamed = Ask("u-adam", "why can't my learner log in?");
  REQUIRE(unnamed.ok());
  REQUIRE((*unnamed)["needs"] == nlohmann::json::array({"subject"}));
  REQUIRE((*unnamed)["findings"].empty());
  // A name the asker may not see is ignored, not refused: it reveals nothing.
  auto hidden = Ask("u-bob", "why can't Jamie Smith log in?");
  REQUIRE(hidden.ok());
  REQUIRE((*hidden)["needs"] == nlohmann::json::array({"subject"}));
}

TEST_CASE("evidence about an address's holder the asker may not see names no one") {
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store, [&demo] { return demo.now; });
  AskRequest request;
  request.tenant = "demo";
  request.asker = "u-bob";
  request.faq = "email-already-exists";
  request.subject_email = "jamie.smith@example.org";
  auto answer = answerer.Ask(*demo.rules, request);
  REQUIRE(answer.ok());
  REQUIRE(Has(Causes(*answer), "email_outside_groups"));
  const std::string text = (*answer)["findings"].dump();
  REQUIRE(text.find("Jamie") == std::string::npos);
  REQUIRE(text.find("u-jamie") == std::string::npos);
}

TEST_CASE("only admins may ask about other people's addresses or check attachments") {
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store, [&demo] { return demo.now; });
  AskRequest email;
  email.tenant = "demo";
  email.asker = "u-jamie";
  email.faq = "cannot-create-second-account-same-email";
  email.subject_email = "priya.patel@example.org";
  RequireRefused(answerer.Ask(*demo.rules, email));

  AskRequest csv;
  csv.tenant = "demo";
  csv.asker = "u-mark";
  csv.faq = "csv-ambiguous-case-owner";
  csv.csv = "first_name,last_name,email,case_owner\nA,B,a@b.org,Chris Taylor\n";
  RequireRefused(answerer.Ask(*demo.rules, csv));

  csv.asker = "u-adam";
  auto answer = answerer.Ask(*demo.rules, csv);
  REQUIRE(answer.ok());
  REQUIRE(Has(Causes(*answer), "case_owner_ambiguous"));
}

TEST_CASE("unknown FAQ ids and tenants are reported, not guessed") {
  auto faq = Ask("u-adam", "", "u-jamie", "no-such-faq");
  REQUIRE(faq.status().code() == StatusCode::kNotFound);
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store);
  AskRequest request;
  request.tenant = "elsewhere";
  request.asker = "u-adam";
  request.question = "why can't I log in";
  REQUIRE(answerer.Ask(*demo.rules, request).status().code() == StatusCode::kNotFound);
}

TEST_CASE("questions outside the catalogue get no FAQ and no findings") {
  auto answer = Ask("u-adam", "hello there, can I talk to a human please?");
  REQUIRE(answer.ok());
  REQUIRE((*answer)["faq"].is_null());
  REQUIRE((*answer)["findings"].empty());
}

TEST_CASE("ask bodies with wrong types are rejected with JSON paths") {
  std::vector<FieldError> errors;
  auto parsed = ParseAskRequest(nlohmann::json{{"asker", 7}, {"subject", {{"usr", "u-1"}}}, {"as_of", "tomorrow"}}, &errors);
  REQUIRE_FALSE(parsed.ok());
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.path);
  REQUIRE(Has(paths, "/asker"));
  REQUIRE(Has(paths, "/subject/usr"));
  REQUIRE(Has(paths, "/as_of"));
  REQUIRE_FALSE(ParseAskRequest(nlohmann::json::array(), &errors).ok());
  auto extra = ParseAskRequest(nlohmann::json{{"asker", "u-1"}, {"question", "why?"}, {"extra", 1}}, &errors);
  REQUIRE_FALSE(extra.ok());
  REQUIRE(errors.size() == 1);
  REQUIRE(errors[0].path == "/extra");
  auto ok = ParseAskRequest(nlohmann::json{{"asker", "u-1"}, {"question", "why?"}, {"as_of", "2026-11-29T10:00:00Z"}}, &errors);
  REQUIRE(ok.ok());
  REQUIRE(ok->as_of.has_value());
}

TEST_CASE("checked ask bodies still get what only conversion can tell") {
  std::vector<FieldError> errors = {{"/stale", "left from an earlier call"}};
  auto blank = ParseCheckedAskRequest(nlohmann::json{{"asker", ""}, {"question", " \n"}, {"as_of", "tomorrow"}}, &errors);
  REQUIRE_FALSE(blank.ok());
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.path);
  REQUIRE(paths == std::vector<std::string>{"/asker", "/question", "/as_of"});
  auto ok = ParseCheckedAskRequest(
      nlohmann::json{{"asker", "u-1"}, {"faq", "account-locked"}, {"subject", {{"user", "u-4"}, {"other_user", "u-5"}}},
                     {"attachment", {{"csv", "a,b\n"}}}},
      &errors);
  REQUIRE(ok.ok());
  REQUIRE(errors.empty());
  REQUIRE(ok->subject_user == "u-4");
  REQUIRE(ok->other_user == "u-5");
  REQUIRE(ok->csv == "a,b\n");
  // A body that was never checked is read without throwing.
  REQUIRE_FALSE(ParseCheckedAskRequest(nlohmann::json::array(), &errors).ok());
  REQUIRE(ParseCheckedAskRequest(nlohmann::json{{"asker", "u-1"}, {"question", "why?"}, {"subject", 3}, {"attachment", "x"}},
                                 &errors).ok());
}

// The answer is written as JSON text with its keys in sorted order; reading it
// back and dumping it with the library must give the same bytes.
void RequireCanonical(const std::string& text) {
  INFO(text);
  REQUIRE(nlohmann::json::parse(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) == text);
}

TEST_CASE("the answer's JSON text is what the library writes for it") {
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store, [&demo] { return demo.now; });
  int answered = 0;
  for (const char* asker : {"u-adam", "u-jamie", "u-mark", "u-sara"}) {
    for (const char* about : {"", "u-jamie", "u-liam", "u-priya", "u-lola", "u-sian"}) {
      for (const FaqDef& faq : demo.rules->faqs()) {
        AskRequest request;
        request.tenant = "demo";
        request.asker = asker;
        request.subject_user = about;
        request.faq = faq.id;
        AnswerSummary summary;
        auto text = answerer.AskJson(*demo.rules, request, &summary);
        auto tree = answerer.Ask(*demo.rules, request);
        REQUIRE(text.ok() == tree.ok());
        if (!text.ok()) continue;
        ++answered;
        RequireCanonical(*text);
        REQUIRE(*tree == nlohmann::json::parse(*text));
        REQUIRE(summary.faq == faq.id);
        std::vector<std::string> causes;
        for (const auto& f : (*tree)["findings"]) causes.push_back(f["cause"]);
        REQUIRE(summary.causes == causes);
        const nlohmann::json& subject = (*tree)["subject"];
        REQUIRE(summary.subject_user ==
                (subject.is_object() && subject.contains("user") ? subject["user"]["id"].get<std::string>() : ""));
      }
    }
  }
  REQUIRE(answered > 100);
}

// A pack whose evidence is every kind of value: records of users the asker may
// and may not see, other records, lists, numbers, times and strings to escape.
TEST_CASE("evidence of every kind is written as the library would write it") {
  char dir[] = "/tmp/whyd-shapes-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string pack = std::string(dir) + "/shapes.yaml";
  {
    std::ofstream out(pack);
    out << R"(pack: shapes
version: 1
description: "Evidence of every kind of value."
faqs:
  - id: evidence-shapes
    title: "What does evidence look like?"
    subject: user
    answer: "Records, lists, numbers and times."
rules:
  - id: shapes.everything
    faq: evidence-shapes
    cause: account_locked
    severity: info
    order: 10
    when: "true"
    explain: "Everything about {user.display_name}."
    evidence:
      - user
      - user.manager
      - asker
      - tenant.settings
      - user.programmes
      - user.failed_logins
      - user.subscription_end
      - {fact: half, value: "1.5"}
      - {fact: three, value: "3.0"}
      - {fact: list, value: "[1, 2, 3]"}
      - {fact: text, value: "\"caf\u00e9 \\\"q\\\" \\\\ \\n\""}
)";
  }
  auto rules = Rulebook::Load(dir);
  std::remove(pack.c_str());
  rmdir(dir);
  if (!rules.ok()) FAIL(rules.status().message());
  Demo& demo = TheDemo();
  Answerer answerer(*demo.store, [&demo] { return demo.now; });
  auto ask = [&](const char* asker, const char* about) {
    AskRequest request;
    request.tenant = "demo";
    request.asker = asker;
    request.subject_user = about;
    request.faq = "evidence-shapes";
    auto text = answerer.AskJson(**rules, request);
    REQUIRE(text.ok());
    RequireCanonical(*text);
    nlohmann::json answer = nlohmann::json::parse(*text);
    REQUIRE(answer["findings"].size() == 1);
    std::map<std::string, nlohmann::json> evidence;
    for (const auto& e : answer["findings"][0]["evidence"]) evidence[e["fact"]] = e["value"];
    return evidence;
  };

  // An admin sees the learner and her manager in full.
  auto admin = ask("u-adam", "u-jamie");
  CHECK(admin["user"] == nlohmann::json{{"display", "Jamie Smith"}, {"email", "jamie.smith@example.org"},
                                        {"id", "u-jamie"}, {"status", "full_user"},
                                        {"subscription_end", "2027-09-01"}, {"type", "learner"}});
  CHECK(admin["user.manager"]["id"] == "u-mark");
  CHECK(admin["asker"]["id"] == "u-adam");
  CHECK(admin["tenant.settings"]["lockout_threshold"] == 5);
  CHECK(admin["tenant.settings"].size() > 5);
  REQUIRE(admin["user.programmes"].is_array());
  REQUIRE_FALSE(admin["user.programmes"].empty());
  CHECK(admin["user.programmes"][0].contains("status"));
  CHECK(admin["user.failed_logins"] == 5);
  CHECK(admin["user.subscription_end"] == "2027-09-01");
  CHECK(admin["half"] == 1.5);
  CHECK(admin["three"].is_number_float());
  CHECK(admin["list"] == nlohmann::json{1, 2, 3});
  CHECK(admin["text"] == "caf\xc3\xa9 \"q\" \\ \n");

  // The learner asking about herself sees of her manager only what anyone may.
  auto self = ask("u-jamie", "u-jamie");
  CHECK(self["user"]["id"] == "u-jamie");
  CHECK(self["user.manager"] == nlohmann::json{{"status", "full_user"}, {"type", "employer"}});
}
