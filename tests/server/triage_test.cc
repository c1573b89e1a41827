// Triage fields derived from an answer: category, priority, tags and the reply.
#include <catch2/catch.hpp>

#include "server/diagnosis_backend.h"

using namespace whyd;

namespace {

nlohmann::json Finding(const std::string& cause, const std::string& severity) {
  return {{"cause", cause}, {"severity", severity}, {"explanation", "Because of " + cause + "."},
          {"remediation", {{{"actor", "admin"}, {"step", "Admin fixes " + cause + "."}},
                           {{"actor", "learner"}, {"step", "Learner waits."}},
                           {{"actor", "support"}, {"step", "Support lifts it."}}}}};
}

}  // namespace

TEST_CASE("priority follows the severity of what was found") {
  FaqDef login{"learner-cannot-log-in", "Why can't my learner log in?", "user", "", {}, {}, "login", {}};
  FaqDef archive{"archive-blocked-by-ilr", "Why can't I archive?", "user", "", {}, {}, "archive", {}};
  nlohmann::json blocking = {{"findings", {Finding("account_locked", "blocking")}}};
  nlohmann::json info = {{"findings", {Finding("can_archive", "info")}}};
  nlohmann::json nothing = {{"findings", nlohmann::json::array()}, {"needs", {"subject"}}, {"answer", "General."}};

  REQUIRE(DeriveTriage(blocking, &login, "Adam", "admin").priority == "urgent");
  REQUIRE(DeriveTriage(blocking, &archive, "Adam", "admin").priority == "high");
  REQUIRE(DeriveTriage(info, &archive, "Adam", "admin").priority == "low");
  REQUIRE(DeriveTriage(nothing, &login, "Adam", "admin").priority == "normal");
  REQUIRE(DeriveTriage(nothing, nullptr, "", "").priority == "normal");
  REQUIRE(DeriveTriage(nothing, nullptr, "", "").category == "unmatched");
  REQUIRE(DeriveTriage(blocking, &login, "Adam", "admin").category == "login");
}

TEST_CASE("tags name the FAQ, the causes, the role and missing information") {
  FaqDef login{"learner-cannot-log-in", "Why can't my learner log in?", "user", "", {}, {}, "login", {}};
  auto tags = DeriveTriage({{"findings", {Finding("account_locked", "blocking")}}}, &login, "A", "admin").tags;
  REQUIRE(tags == std::vector<std::string>{"faq:learner-cannot-log-in", "cause:account_locked", "role:admin"});
  auto needs = DeriveTriage({{"findings", nlohmann::json::array()}, {"needs", {"subject"}}}, &login, "A", "admin").tags;
  REQUIRE(std::find(needs.begin(), needs.end(), "needs-info") != needs.end());
}

TEST_CASE("the suggested reply speaks to the requester's role") {
  FaqDef login{"learner-cannot-log-in", "Why can't my learner log in?", "user", "", {}, {}, "login", {}};
  nlohmann::json answer = {{"findings", {Finding("account_locked", "blocking")}}};
  std::string admin = DeriveTriage(answer, &login, "Adam", "admin").suggested_reply;
  REQUIRE(admin.find("Hello Adam") != std::string::npos);
  REQUIRE(admin.find("Admin fixes account_locked.") != std::string::npos);
  REQUIRE(admin.find("Learner waits.") == std::string::npos);
  REQUIRE(admin.find("Support lifts it.") != std::string::npos);
  std::string learner = DeriveTriage(answer, &login, "Jamie", "learner").suggested_reply;
  REQUIRE(learner.find("Learner waits.") != std::string::npos);
  REQUIRE(learner.find("Admin fixes") == std::string::npos);
  std::string asks = DeriveTriage({{"findings", nlohmann::json::array()}, {"needs", {"subject"}}, {"answer", "General."}},
                                  &login, "Adam", "admin").suggested_reply;
  REQUIRE(asks.find("which user this is about") != std::string::npos);
}
