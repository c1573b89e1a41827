// GatherFacts over the mini tenant: derived fields, linked users, lookups, stats.
#include <catch2/catch.hpp>

#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/store_synthetic.h"
#include "knowledge/visibility.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using testing::At;
using testing::kNow;

std::string_view S(const Record* r, int field) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view("<none>");
}
const Record* R(const Record* r, int field) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kRecord ? v.as_record() : nullptr;
}
const List* L(const Record* r, int field) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kList ? v.as_list() : nullptr;
}

struct Fixture {
  std::unique_ptr<Store> store = testing::OpenMemoryStore();
  std::shared_ptr<const TenantView> view;
  Fixture() {
    REQUIRE(store);
    ImportResult r = store->ImportSnapshot(testing::MiniSnapshot().dump());
    REQUIRE(r.ok());
    view = store->Tenant("acme");
    REQUIRE(view);
  }
};

TEST_CASE("a learner's facts carry stored and derived fields", "[store][facts]") {
  Fixture fx;
  const AccountFields& F = Fields();
  FactArena arena;
  FactRequest req;
  req.asker_id = "a-1";
  req.user_id = "l-1";
  req.now = kNow;
  auto root = GatherFacts(*fx.view, req, arena);
  REQUIRE(root.ok());
  const Record* user = R(*root, F.r.user);
  REQUIRE(user);
  CHECK(S(user, F.u.display_name) == "Jamie Smith");
  CHECK(S(user, F.u.effective_status) == "full_user");
  CHECK_FALSE(user->get(F.u.inactive).as_bool());
  CHECK(user->get(F.u.locked_until).is_null());
  CHECK(user->get(F.u.preferred_name).is_absent());
  CHECK(S(R(user, F.u.case_owner), F.u.display_name) == "Bob North");
  CHECK(S(R(user, F.u.manager), F.u.id) == "e-1");
  CHECK(user->get(F.u.mentor).is_null());
  CHECK(S(R(user, F.u.organisation), F.o.name) == "Bakery");
  // group lineage: g-north and its ancestor g-all; one root.
  REQUIRE(L(user, F.u.group_lineage)->size == 2);
  CHECK(L(user, F.u.group_roots)->items[0].as_string() == "g-all");
  // emails oldest first; newest activation = greatest sent_at, tie -> later in the array.
  const List* emails = L(user, F.u.emails);
  REQUIRE(emails->size == 3);
  CHECK(S(emails->items[0].as_record(), F.e.id) == "m-1");
  CHECK(S(R(user, F.u.newest_activation_email), F.e.id) == "m-3");
  // recent sign-ins: within 30 days of now, newest last.
  const List* recent = L(user, F.u.recent_sign_ins);
  REQUIRE(recent->size == 2);
  CHECK(S(recent->items[1].as_record(), F.si.outcome) == "locked");
  CHECK(L(user, F.u.sign_ins)->size == 3);
  CHECK(L(user, F.u.programmes)->size == 1);
  CHECK(L(user, F.u.ilr_episodes)->size == 1);
  // eligible employers: e-1 (active, same org, same tree); e-2 is cancelled.
  const List* eligible = L(user, F.u.eligible_employers);
  REQUIRE(eligible->size == 1);
  CHECK(S(eligible->items[0].as_record(), F.u.id) == "e-1");
  CHECK(R(R(*root, F.r.tenant), F.t.settings)->get(F.s.lockout_threshold).as_int() == 5);
}

TEST_CASE("a full user past subscription_end counts as expired", "[store][facts]") {
  Fixture fx;
  const AccountFields& F = Fields();
  FactArena arena;
  FactRequest req;
  req.asker_id = "a-1";
  req.user_id = "l-2";
  req.now = kNow;
  auto root = GatherFacts(*fx.view, req, arena);
  REQUIRE(root.ok());
  const Record* user = R(*root, F.r.user);
  CHECK(S(user, F.u.status) == "full_user");
  CHECK(S(user, F.u.effective_status) == "expired");
  CHECK(user->get(F.u.inactive).as_bool());
  // The day of subscription_end itself is still within the subscription.
  req.now = At("2026-11-28T23:59:59Z");
  auto earlier = GatherFacts(*fx.view, req, arena);
  REQUIRE(earlier.ok());
  CHECK(S(R(*earlier, F.r.user), F.u.effective_status) == "full_user");
}

TEST_CASE("unknown users are NotFound, never a crash", "[store][facts]") {
  Fixture fx;
  FactArena arena;
  FactRequest req;
  req.asker_id = "nobody";
  req.now = kNow;
  CHECK(GatherFacts(*fx.view, req, arena).status().code() == StatusCode::kNotFound);
  req.asker_id = "a-1";
  req.user_id = "ghost";
  CHECK(GatherFacts(*fx.view, req, arena).status().code() == StatusCode::kNotFound);
}

TEST_CASE("users are found by id, login and display name ignoring case and spaces", "[store][lookup]") {
  Fixture fx;
  const AccountFields& F = Fields();
  CHECK(S(fx.view->FindUserByLogin("jamie.smith@example.ORG"), F.u.id) == "l-1");
  CHECK(S(fx.view->FindUserByLogin("  JAMIE "), F.u.id) == "l-1");
  CHECK(fx.view->FindUserByLogin("jamie.smith@example") == nullptr);
  REQUIRE(fx.view->FindUsersByDisplayName(" jamie SMITH").size() == 1);
  CHECK(fx.view->FindUsersByDisplayName("Jamie").empty());
  CHECK(fx.view->AdminsMatchingCaseOwner("bob north", kNow).size() == 1);
  CHECK(fx.view->AdminsMatchingCaseOwner("BOB@acme.test", kNow).size() == 1);
  CHECK(fx.view->AdminsMatchingCaseOwner("Erin Boss", kNow).empty());  // not an admin
}

TEST_CASE("the email lookup finds the holder and tells exact from case variants", "[store][facts]") {
  Fixture fx;
  const AccountFields& F = Fields();
  FactArena arena;
  FactRequest req;
  req.asker_id = "a-1";
  req.now = kNow;
  req.email = "jamie.smith@example.org";
  auto root = GatherFacts(*fx.view, req, arena);
  REQUIRE(root.ok());
  const Record* lookup = R(*root, F.r.email);
  CHECK(lookup->get(F.el.found).as_bool());
  CHECK_FALSE(lookup->get(F.el.exact).as_bool());
  CHECK(S(R(lookup, F.el.holder), F.u.id) == "l-1");
  req.email = "bob";
  auto by_username = GatherFacts(*fx.view, req, arena);
  CHECK(R(*by_username, F.r.email)->get(F.el.exact).as_bool());
  req.email = "nobody@x.org";
  auto missing = GatherFacts(*fx.view, req, arena);
  CHECK_FALSE(R(*missing, F.r.email)->get(F.el.found).as_bool());
  CHECK(R(*missing, F.r.email)->get(F.el.holder).is_absent());
}


// The tenant-wide stats as the definitions state them: a count over every
// user, for checking the tallies the view keeps.
struct ReferenceStats {
  int64_t overview = 0, tile = 0, cancelled = 0, archived = 0, non_learner = 0, classic = 0;
  std::vector<std::string> due;
};

ReferenceStats CountEveryUser(const TenantView& view, const Record& asker, int period, int64_t now) {
  const AccountFields& F = Fields();
  ReferenceStats r;
  std::vector<std::pair<int32_t, std::string>> due;
  const int32_t today = DateOfTime(now);
  for (const Record* u : view.users()) {
    const std::string_view status = EffectiveStatus(*u, now);
    const bool learner = S(u, F.u.type) == "learner";
    if (learner && (status == "full_user" || status == "cancelled" || status == "archived")) ++r.overview;
    if (status == "full_user") ++r.tile;
    if (status == "full_user" && !learner) ++r.non_learner;
    if (learner && status == "cancelled") ++r.cancelled;
    if (learner && status == "archived") ++r.archived;
    if (u->get(F.u.classic_access).kind() == Kind::kBool && u->get(F.u.classic_access).as_bool()) ++r.classic;
    const Value& end = u->get(F.u.subscription_end);
    if (status != "full_user" || end.kind() != Kind::kDate) continue;
    if (end.as_date() < today || end.as_date() > today + period) continue;
    if (S(u, F.u.type) == "admin" && !HasRole(asker, "supervisor")) continue;
    if (!MayView(asker, *u, now)) continue;
    due.emplace_back(end.as_date(), std::string(S(u, F.u.id)));
  }
  std::stable_sort(due.begin(), due.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& d : due) r.due.push_back(d.second);
  return r;
}

TEST_CASE("tenant-wide stats from the view's tallies equal a count over every user", "[store][facts][stats]") {
  const AccountFields& F = Fields();
  SyntheticOptions options;
  options.learners = 2000;
  options.seed = 7;
  options.tenant_id = "acme";
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(GenerateSyntheticTenant(options)).ok());
  auto view = store->Tenant("acme");
  std::vector<const Record*> askers;
  for (const Record* u : view->users()) {
    const bool supervisor = HasRole(*u, "supervisor");
    if (askers.size() < 6 && (supervisor || S(u, F.u.type) != "learner")) askers.push_back(u);
  }
  REQUIRE(askers.size() >= 3);
  int checked_due = 0;
  for (const char* when : {"2024-01-01T00:00:00Z", "2026-11-29T10:00:00Z", "2027-03-31T23:59:59Z", "2030-06-01T00:00:00Z"}) {
    for (const Record* asker : askers) {
      for (int period : {0, 7, 30, 400}) {
        INFO(when << " asker " << S(asker, F.u.id) << " period " << period);
        FactArena arena;
        FactRequest req;
        req.asker_id = S(asker, F.u.id);
        req.now = At(when);
        req.want_stats = true;
        req.period_days = period;
        auto root = GatherFacts(*view, req, arena);
        REQUIRE(root.ok());
        const Record* stats = R(*root, F.r.stats);
        const ReferenceStats want = CountEveryUser(*view, *asker, period, req.now);
        CHECK(stats->get(F.st.overview_count).as_int() == want.overview);
        CHECK(stats->get(F.st.users_tile_count).as_int() == want.tile);
        CHECK(stats->get(F.st.cancelled_learners).as_int() == want.cancelled);
        CHECK(stats->get(F.st.archived_learners).as_int() == want.archived);
        CHECK(stats->get(F.st.non_learner_full_users).as_int() == want.non_learner);
        CHECK(stats->get(F.st.classic_access_users).as_int() == want.classic);
        std::vector<std::string> due;
        for (const Value& u : *L(stats, F.st.due_to_expire)) due.emplace_back(S(u.as_record(), F.u.id));
        CHECK(due == want.due);
        checked_due += static_cast<int>(due.size());
      }
    }
  }
  CHECK(checked_due > 100);  // the comparison saw real due lists, not only empty ones
}

}  // namespace
}  // namespace whyd

namespace whyd {
namespace {

TEST_CASE("a user+user pair given employer first is put learner first", "[store][facts]") {
  Fixture fx;
  const AccountFields& F = Fields();
  FactArena arena;
  FactRequest req;
  req.asker_id = "a-1";
  req.user_id = "erin@bakery.test";  // named by email
  req.other_id = "l-1";
  req.now = kNow;
  auto root = GatherFacts(*fx.view, req, arena);
  REQUIRE(root.ok());
  CHECK(S(R(*root, F.r.user), F.u.id) == "l-1");
  CHECK(S(R(*root, F.r.other), F.u.id) == "e-1");
}

}  // namespace
}  // namespace whyd
