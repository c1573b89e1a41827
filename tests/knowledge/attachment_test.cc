// CSV and API-request attachment facts resolved against the mini tenant.
#include <catch2/catch.hpp>

#include "knowledge/account_schema.h"
#include "knowledge/attachment_facts.h"
#include "knowledge/facts_gatherer.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using testing::kNow;

std::shared_ptr<const TenantView> ViewWithAmbiguousAdmins(std::unique_ptr<Store>& store) {
  store = testing::OpenMemoryStore();
  auto doc = testing::MiniSnapshot();
  // A second active "Bob North" and an inactive "Ada Admin" twin.
  doc["users"].push_back({{"id", "a-3"}, {"type", "admin"}, {"first_name", "bob"}, {"last_name", "north "},
                          {"email", "bob2@acme.test"}, {"status", "full_user"}, {"groups", {"g-all"}}});
  doc["users"].push_back({{"id", "a-4"}, {"type", "admin"}, {"first_name", "Ada"}, {"last_name", "Admin"},
                          {"email", "ada.old@acme.test"}, {"status", "archived"}, {"groups", {"g-all"}}});
  REQUIRE(store->ImportSnapshot(doc.dump()).ok());
  return store->Tenant("acme");
}

const Record* Row(const Record* csv, size_t i) {
  return csv->get(Fields().c.rows).as_list()->items[i].as_record();
}

TEST_CASE("CSV rows resolve case owners by email or display name", "[attachment][csv]") {
  std::unique_ptr<Store> store;
  auto view = ViewWithAmbiguousAdmins(store);
  const AccountFields& F = Fields();
  FactArena arena;
  auto csv = BuildCsvFacts(*view,
                           "First Name,Last Name,Email,Case Owner,SSO Enabled\n"
                           "Jamie,Smith,jamie.smith@example.org,Ada Admin,Yes\n"
                           "New,Person,new@example.org,Bob North,\n"
                           "X,Y,x@example.org,Adda Admim,maybe\n"
                           "Z,W,z@example.org,ADA@acme.test,0\n",
                           kNow, arena);
  REQUIRE(csv.ok());
  CHECK((*csv)->get(F.c.row_count).as_int() == 4);
  CHECK((*csv)->get(F.c.has_case_owner_column).as_bool());
  CHECK((*csv)->get(F.c.has_sso_column).as_bool());

  const Record* r0 = Row(*csv, 0);
  CHECK(r0->get(F.cr.row).as_int() == 2);
  CHECK(r0->get(F.cr.case_owner_matches).as_int() == 1);  // the archived twin does not count
  CHECK(r0->get(F.cr.case_owner_by).as_string() == "name");
  CHECK(r0->get(F.cr.learner_matches).as_int() == 1);
  CHECK(r0->get(F.cr.sso_requested).as_bool());
  CHECK(r0->get(F.cr.sso_valid).as_bool());

  const Record* r1 = Row(*csv, 1);
  CHECK(r1->get(F.cr.case_owner_matches).as_int() == 2);  // ambiguous
  CHECK(r1->get(F.cr.case_owner_candidates).as_list()->size == 2);
  CHECK(r1->get(F.cr.learner_matches).as_int() == 0);
  CHECK(r1->get(F.cr.learner).is_absent());
  CHECK_FALSE(r1->get(F.cr.sso_requested).as_bool());
  CHECK(r1->get(F.cr.sso_valid).as_bool());  // blank means password

  const Record* r2 = Row(*csv, 2);
  CHECK(r2->get(F.cr.case_owner_matches).as_int() == 0);
  const List* suggestions = r2->get(F.cr.case_owner_suggestions).as_list();
  REQUIRE(suggestions->size >= 1);
  CHECK(suggestions->items[0].as_string() == "Ada Admin");
  CHECK_FALSE(r2->get(F.cr.sso_valid).as_bool());

  const Record* r3 = Row(*csv, 3);
  CHECK(r3->get(F.cr.case_owner_by).as_string() == "email");
  CHECK(r3->get(F.cr.case_owner_matches).as_int() == 1);
}

TEST_CASE("a CSV without an email column or not CSV at all is an error", "[attachment][csv]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  FactArena arena;
  auto no_email = BuildCsvFacts(*view, "first_name,last_name\nA,B\n", kNow, arena);
  CHECK(no_email.status().code() == StatusCode::kInvalidArgument);
  CHECK(no_email.status().message().find("no email column") != std::string::npos);
  std::string png = "\x89PNG\r\n\x1a\n";
  CHECK(BuildCsvFacts(*view, png, kNow, arena).status().message().find("binary data") != std::string::npos);
}

TEST_CASE("an API request resolves its case owner by id or email", "[attachment][api]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  const AccountFields& F = Fields();
  FactArena arena;
  auto by_id = BuildApiRequestFacts(
      *view, R"({"first_name":"N","last_name":"P","email":"n@p.org","case_owner":"a-2","groups":["g-north","g-other"],"organisation_id":"org-1"})",
      kNow, arena);
  REQUIRE(by_id.ok());
  CHECK((*by_id)->get(F.ar.case_owner_found).as_bool());
  CHECK((*by_id)->get(F.ar.case_owner_user).as_record()->get(F.u.id).as_string() == "a-2");
  const List* roots = (*by_id)->get(F.ar.group_roots).as_list();
  REQUIRE(roots->size == 2);
  CHECK(roots->items[0].as_string() == "g-all");
  CHECK(roots->items[1].as_string() == "g-other");

  auto by_email = BuildApiRequestFacts(*view, R"({"case_owner":" ADA@acme.test "})", kNow, arena);
  CHECK((*by_email)->get(F.ar.case_owner_user).as_record()->get(F.u.id).as_string() == "a-1");
  auto unknown = BuildApiRequestFacts(*view, R"({"case_owner":"zed@nowhere.org"})", kNow, arena);
  CHECK_FALSE((*unknown)->get(F.ar.case_owner_found).as_bool());

  CHECK(BuildApiRequestFacts(*view, "[1,2]", kNow, arena).status().code() == StatusCode::kInvalidArgument);
  CHECK(BuildApiRequestFacts(*view, "{not json", kNow, arena).status().message() == "the API request is not valid JSON");
  CHECK(BuildApiRequestFacts(*view, R"({"groups":"g-1"})", kNow, arena).status().message() ==
        "api_request.groups: expected an array of group ids");
  CHECK(BuildApiRequestFacts(*view, R"({"case_owner":7})", kNow, arena).status().message() ==
        "api_request.case_owner: expected a string");
}

TEST_CASE("edit distance ignores case", "[attachment]") {
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("ADA", "ada") == 0);
  CHECK(EditDistance("", "abc") == 3);
}

}  // namespace
}  // namespace whyd
