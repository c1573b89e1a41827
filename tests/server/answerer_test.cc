// The ask pipeline over the demo tenant and the real rule packs: who may ask
// about whom, uniform refusals, subject inference, redaction and the shape of
// the answer. The demo's cast is described in examples/README.md.
#include "server/answerer.h"

#include <fstream>
#include <sstream>

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
