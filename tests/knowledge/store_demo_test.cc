// The demo tenant holds the situations the rule packs diagnose; these tests pin
// the facts those situations rest on (so an edit of the demo cannot silently
// remove a cause), and check stats over a known tenant.
#include <catch2/catch.hpp>

#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/visibility.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using testing::kNow;

struct Demo {
  std::unique_ptr<Store> store = testing::OpenMemoryStore();
  std::shared_ptr<const TenantView> view;
  FactArena arena;
  Demo() {
    REQUIRE(store->ImportSnapshot(testing::DemoSnapshotText()).ok());
    view = store->Tenant("demo");
  }
  const Record* Facts(const char* asker, const char* user, const char* other = "") {
    FactRequest req;
    req.asker_id = asker;
    req.user_id = user;
    req.other_id = other;
    req.now = kNow;
    auto root = GatherFacts(*view, req, arena);
    REQUIRE(root.ok());
    return *root;
  }
  const Record* User(const char* asker, const char* user) {
    return Facts(asker, user)->get(Fields().r.user).as_record();
  }
};

std::vector<std::string> Strings(const Value& list, int field) {
  std::vector<std::string> out;
  for (const Value& v : *list.as_list()) out.emplace_back(v.as_record()->get(field).as_string());
  return out;
}

TEST_CASE("demo: sign-in situations", "[demo]") {
  Demo d;
  const AccountFields& F = Fields();
  const Record* jamie = d.User("u-adam", "u-jamie");
  CHECK(jamie->get(F.u.locked_until).as_time() > kNow);
  CHECK(jamie->get(F.u.recent_sign_ins).as_list()->size == 7);
  const Record* lola = d.User("u-adam", "u-lola");
  CHECK(lola->get(F.u.locked_until).as_time() <= kNow);
  const Record* mia = d.User("u-adam", "u-mia");
  auto outcomes = Strings(mia->get(F.u.recent_sign_ins), F.si.outcome);
  CHECK(std::count(outcomes.end() - 5, outcomes.end(), "mfa_failed") == 3);
  CHECK(d.User("u-adam", "u-ethan")->get(F.u.effective_status).as_string() == "expired");
  CHECK(d.User("u-adam", "u-sian")->get(F.u.auth_type).as_string() == "sso");
  CHECK_FALSE(d.Facts("u-adam", "u-sian")->get(F.r.tenant).as_record()->get(F.t.settings).as_record()
                  ->get(F.s.sso_configured).as_bool());
}

TEST_CASE("demo: activation emails", "[demo]") {
  Demo d;
  const AccountFields& F = Fields();
  auto newest = [&](const char* id) {
    const Value& v = d.User("u-sara", id)->get(F.u.newest_activation_email);
    return v.is_null() ? std::string("none") : std::string(v.as_record()->get(F.e.status).as_string());
  };
  CHECK(newest("u-liam") == "bounced");
  CHECK(newest("u-ella") == "blocked");
  CHECK(newest("u-sophie") == "spam_complaint");
  CHECK(newest("u-omar") == "deferred");
  CHECK(newest("u-zoe") == "delivered");
  CHECK(newest("u-ivan") == "none");
}

TEST_CASE("demo: manager dropdown and employer links", "[demo]") {
  Demo d;
  const AccountFields& F = Fields();
  auto eligible = Strings(d.User("u-sara", "u-jamie")->get(F.u.eligible_employers), F.u.display_name);
  CHECK(std::count(eligible.begin(), eligible.end(), "Dan Brown") == 2);
  CHECK(std::count(eligible.begin(), eligible.end(), "Cecil Cancelled") == 0);  // inactive
  CHECK(std::count(eligible.begin(), eligible.end(), "Sam South") == 0);        // other tree
  CHECK(std::count(eligible.begin(), eligible.end(), "Greg Garage") == 0);      // other organisation
  CHECK(d.User("u-sara", "u-olive")->get(F.u.eligible_employers).as_list()->size == 0);
  CHECK(d.User("u-sara", "u-tia")->get(F.u.eligible_employers).as_list()->size == 0);
  CHECK(MayView(*d.view, "u-vera", "u-vic", kNow));        // view_all over her organisation's learner
  CHECK_FALSE(MayView(*d.view, "u-mark", "u-vic", kNow));  // not his learner
  CHECK(MayView(*d.view, "u-nolan", "u-ben", kNow));       // mentor
}

TEST_CASE("demo: email lookups", "[demo]") {
  Demo d;
  const AccountFields& F = Fields();
  FactRequest req;
  req.asker_id = "u-adam";
  req.now = kNow;
  req.email = "casey.variant@example.org";
  auto root = GatherFacts(*d.view, req, d.arena);
  REQUIRE(root.ok());
  const Record* lookup = (*root)->get(F.r.email).as_record();
  CHECK(lookup->get(F.el.found).as_bool());
  CHECK_FALSE(lookup->get(F.el.exact).as_bool());
  req.email = "anna.archived@example.org";
  auto archived = GatherFacts(*d.view, req, d.arena);
  CHECK((*archived)->get(F.r.email).as_record()->get(F.el.holder).as_record()->get(F.u.status).as_string() == "archived");
}

TEST_CASE("demo: the ambiguous case owner in a CSV", "[demo]") {
  Demo d;
  const AccountFields& F = Fields();
  FactRequest req;
  req.asker_id = "u-adam";
  req.now = kNow;
  req.csv = "first_name,last_name,email,case_owner\nNew,Learner,new.learner@example.org,Chris Taylor\n";
  auto root = GatherFacts(*d.view, req, d.arena);
  REQUIRE(root.ok());
  const Record* row = (*root)->get(F.r.csv).as_record()->get(F.c.rows).as_list()->items[0].as_record();
  CHECK(row->get(F.cr.case_owner_matches).as_int() == 2);
  CHECK(row->get(F.cr.learner_matches).as_int() == 0);
}

TEST_CASE("stats count by effective status, and due_to_expire follows visibility", "[store][stats]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  const AccountFields& F = Fields();
  FactArena arena;
  FactRequest req;
  req.asker_id = "a-2";
  req.now = kNow;
  req.want_stats = true;
  auto root = GatherFacts(*view, req, arena);
  REQUIRE(root.ok());
  const Record* stats = (*root)->get(F.r.stats).as_record();
  CHECK(stats->get(F.st.overview_count).as_int() == 1);        // l-2 counts as expired
  CHECK(stats->get(F.st.users_tile_count).as_int() == 4);      // a-1, a-2, e-1, l-1
  CHECK(stats->get(F.st.non_learner_full_users).as_int() == 3);
  CHECK(stats->get(F.st.classic_access_users).as_int() == 1);
  CHECK(stats->get(F.st.period_days).as_int() == 30);
  CHECK(stats->get(F.st.due_to_expire).as_list()->size == 0);

  QuestionFacts question;
  question.period_days = 400;
  req.question = &question;
  auto longer = GatherFacts(*view, req, arena);
  const Record* s2 = (*longer)->get(F.r.stats).as_record();
  CHECK(s2->get(F.st.period_days).as_int() == 400);
  REQUIRE(s2->get(F.st.due_to_expire).as_list()->size == 1);
  CHECK(s2->get(F.st.due_to_expire).as_list()->items[0].as_record()->get(F.u.id).as_string() == "l-1");
  CHECK((*longer)->get(F.r.question).as_record()->get(F.q.period_days).as_int() == 400);

  req.asker_id = "e-1";  // an employer sees only their linked learner, who is still due
  auto employer = GatherFacts(*view, req, arena);
  CHECK((*employer)->get(F.r.stats).as_record()->get(F.st.due_to_expire).as_list()->size == 1);
  req.asker_id = "l-2";  // a learner sees nobody else
  auto learner = GatherFacts(*view, req, arena);
  CHECK((*learner)->get(F.r.stats).as_record()->get(F.st.due_to_expire).as_list()->size == 0);
}

TEST_CASE("demo: supervisors see admins due to expire, other admins do not", "[demo][stats]") {
  Demo d;
  const AccountFields& F = Fields();
  auto due = [&](const char* asker) {
    FactRequest req;
    req.asker_id = asker;
    req.now = kNow;
    req.want_stats = true;
    auto root = GatherFacts(*d.view, req, d.arena);
    REQUIRE(root.ok());
    return Strings((*root)->get(F.r.stats).as_record()->get(F.st.due_to_expire), F.u.id);
  };
  CHECK(due("u-sara") == std::vector<std::string>{"u-dora", "u-yvonne"});
  CHECK(due("u-adam") == std::vector<std::string>{"u-dora"});
}

}  // namespace
}  // namespace whyd
