// GatherFacts over the mini tenant: derived fields, linked users, lookups, stats.
#include <catch2/catch.hpp>

#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
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

}  // namespace
}  // namespace whyd
