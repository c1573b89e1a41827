// MayView as a matrix: every kind of asker against every relationship, inactive
// askers, and users of another tenant.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "knowledge/visibility.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using testing::kNow;

// Groups: R1 > A > A1, R2 > B. Organisations O1, O2.
nlohmann::json VisibilityTenant(const std::string& id) {
  nlohmann::json users = nlohmann::json::array();
  auto add = [&](const char* uid, const char* type, std::vector<std::string> groups, nlohmann::json extra) {
    nlohmann::json u = {{"id", uid}, {"type", type}, {"first_name", uid}, {"last_name", "X"},
                        {"email", std::string(uid) + "@" + id + ".test"}, {"status", "full_user"},
                        {"groups", groups}};
    if (extra.is_object()) u.update(extra);
    users.push_back(u);
  };
  add("learner", "learner", {"A"}, {{"organisation_id", "O1"}});
  add("referrer", "referrer", {"A"}, {{"organisation_id", "O1"}});
  add("emp", "employer", {"A"}, {{"organisation_id", "O1"}});                    // no view_all
  add("viewall", "employer", {"A"}, {{"organisation_id", "O1"}, {"permissions", {"view_all_in_assigned_groups"}}});
  add("viewall_gone", "employer", {"A"}, {{"organisation_id", "O1"}, {"status", "cancelled"},
                                           {"permissions", {"view_all_in_assigned_groups"}}});
  add("admin", "admin", {"A"}, {});
  add("admin_a1", "admin", {"A1"}, {});
  add("admin_b", "admin", {"B"}, {});
  add("super", "admin", {"A"}, {{"roles", {"supervisor"}}});
  add("admin_lapsed", "admin", {"R1"}, {{"subscription_end", "2026-11-01"}});  // effective expired
  add("admin_archived", "admin", {"R1"}, {{"status", "archived"}, {"roles", {"supervisor"}}});
  // Subjects.
  add("l_managed", "learner", {"A"}, {{"organisation_id", "O1"}, {"manager_id", "emp"}});
  add("l_mentored", "learner", {"B"}, {{"organisation_id", "O2"}, {"mentor_id", "emp"}});
  add("l_org_a1", "learner", {"A1"}, {{"organisation_id", "O1"}});
  add("l_org_b", "learner", {"B"}, {{"organisation_id", "O1"}});
  add("l_other_org", "learner", {"A"}, {{"organisation_id", "O2"}});
  add("l_no_org", "learner", {"A"}, {});
  add("l_archived", "learner", {"A"}, {{"organisation_id", "O1"}, {"status", "archived"}, {"manager_id", "emp"}});
  nlohmann::json doc = {
      {"schema", "account-state/1"},
      {"tenant", {{"id", id}}},
      {"groups", {{{"id", "R1"}, {"parent", nullptr}}, {{"id", "A"}, {"parent", "R1"}},
                  {{"id", "A1"}, {"parent", "A"}}, {{"id", "R2"}}, {{"id", "B"}, {"parent", "R2"}}}},
      {"organisations", {{{"id", "O1"}}, {{"id", "O2"}}}},
      {"users", users}};
  return doc;
}

struct Case {
  const char* asker;
  const char* subject;
  bool visible;
};

TEST_CASE("who may view whom", "[visibility]") {
  auto store = testing::OpenMemoryStore();
  auto r = store->ImportSnapshot(VisibilityTenant("t1").dump());
  REQUIRE(r.ok());
  auto view = store->Tenant("t1");
  const Case cases[] = {
      // Anyone may view themselves, whatever their type or status.
      {"learner", "learner", true}, {"referrer", "referrer", true}, {"viewall_gone", "viewall_gone", true},
      {"admin_archived", "admin_archived", true}, {"admin_lapsed", "admin_lapsed", true},
      // Learners and referrers: nobody else.
      {"learner", "l_managed", false}, {"learner", "admin", false}, {"referrer", "learner", false},
      // Employer without view_all: linked learners only, any status, any group.
      {"emp", "l_managed", true}, {"emp", "l_mentored", true}, {"emp", "l_archived", true},
      {"emp", "learner", false}, {"emp", "l_org_a1", false}, {"emp", "admin", false}, {"emp", "viewall", false},
      // Employer with view_all: own-organisation learners within their groups (descendants too).
      {"viewall", "learner", true}, {"viewall", "l_org_a1", true}, {"viewall", "l_managed", true},
      {"viewall", "l_org_b", false}, {"viewall", "l_other_org", false}, {"viewall", "l_no_org", false},
      {"viewall", "l_mentored", false}, {"viewall", "emp", false}, {"viewall", "referrer", false},
      // Inactive asker: only themselves.
      {"viewall_gone", "learner", false}, {"admin_lapsed", "learner", false}, {"admin_archived", "learner", false},
      // Admin: users within their groups; admins only as supervisor.
      {"admin", "learner", true}, {"admin", "l_org_a1", true}, {"admin", "emp", true}, {"admin", "referrer", true},
      {"admin", "l_org_b", false}, {"admin", "admin_a1", false}, {"admin", "super", false},
      {"admin_a1", "learner", false},  // an ancestor group is not within A1
      {"admin_a1", "l_org_a1", true}, {"admin_b", "l_org_b", true}, {"admin_b", "learner", false},
      {"super", "admin_a1", true}, {"super", "admin", true}, {"super", "admin_b", false}, {"super", "l_org_b", false},
      // Unknown ids.
      {"admin", "nobody", false}, {"nobody", "learner", false},
  };
  for (const Case& c : cases) {
    INFO(c.asker << " -> " << c.subject);
    CHECK(MayView(*view, c.asker, c.subject, kNow) == c.visible);
  }
}

TEST_CASE("visibility never crosses tenants", "[visibility][isolation]") {
  auto store = testing::OpenMemoryStore();
  auto t1 = VisibilityTenant("t1");
  auto t2 = VisibilityTenant("t2");
  t2["users"].push_back({{"id", "only_t2"}, {"type", "learner"}, {"groups", {"A"}}, {"organisation_id", "O1"}});
  REQUIRE(store->ImportSnapshot(t1.dump()).ok());
  REQUIRE(store->ImportSnapshot(t2.dump()).ok());
  auto v1 = store->Tenant("t1");
  auto v2 = store->Tenant("t2");
  CHECK(MayView(*v2, "super", "only_t2", kNow));
  CHECK_FALSE(MayView(*v1, "super", "only_t2", kNow));
  CHECK(v1->FindUser("only_t2") == nullptr);
  // Same ids in both tenants resolve to each tenant's own records.
  CHECK(v1->FindUser("learner") != v2->FindUser("learner"));
  CHECK(v1->FindUserByLogin("learner@t2.test") == nullptr);
  CHECK(v2->FindUserByLogin("learner@t2.test") != nullptr);
}

TEST_CASE("effective status counts a lapsed full user as expired from the next day", "[visibility]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(VisibilityTenant("t1").dump()).ok());
  auto view = store->Tenant("t1");
  const Record& lapsed = *view->FindUser("admin_lapsed");
  CHECK(EffectiveStatus(lapsed, testing::At("2026-11-01T23:59:59Z")) == "full_user");
  CHECK(EffectiveStatus(lapsed, testing::At("2026-11-02T00:00:00Z")) == "expired");
  CHECK(IsInactive(*view->FindUser("viewall_gone"), kNow));
  CHECK_FALSE(IsInactive(*view->FindUser("admin"), kNow));
}

}  // namespace
}  // namespace whyd
