// The compact tenant view: users share what they have in common, related
// records are decoded per question, lookups confirm their hits, and a view
// loaded back from SQLite row by row is the view the import built.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>

#include "engine/facts_json.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/mentions.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using nlohmann::json;
using testing::kNow;

// Every fact of `id` as JSON, linked users one level deep.
json FactsOf(const TenantView& view, std::string_view id) {
  FactArena arena;
  const Record* user = view.FindUser(id);
  REQUIRE(user != nullptr);
  return ValueToJson(Value::OfRecord(BuildUserFacts(view, *user, kNow, 1, arena)));
}

std::vector<std::string> Ids(const std::vector<const Record*>& users) {
  std::vector<std::string> out;
  for (const Record* u : users) out.emplace_back(u->get(Fields().u.id).as_string());
  return out;
}

TEST_CASE("a view reopened from SQLite row by row equals the one the import built", "[store][view]") {
  const testing::TempDb db_file("view_reopen");
  const std::string& path = db_file.path();
  json doc = testing::MiniSnapshot();
  // A second learner with related records of every kind, out of time order.
  doc["users"].push_back({{"id", "l-3"}, {"type", "learner"}, {"first_name", "Jamie"}, {"last_name", "Smith"},
                          {"email", "j3@example.org"}, {"status", "invited"}, {"groups", {"g-north"}},
                          {"organisation_id", "org-1"}});
  doc["documents"].push_back({{"id", "d-1"}, {"learner_id", "l-3"}, {"kind", "review"}, {"status", "signed"}});
  doc["emails"].push_back({{"id", "m-9"}, {"user_id", "l-3"}, {"kind", "activation"}, {"to", "x"},
                           {"sent_at", "2026-01-02T09:00:00Z"}, {"status", "delivered"}});
  doc["emails"].push_back({{"id", "m-8"}, {"user_id", "l-3"}, {"kind", "notification"}, {"to", "x"},
                           {"sent_at", "2026-01-01T09:00:00Z"}, {"status", "delivered"}});
  std::map<std::string, json> imported;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    ImportResult r = (*store)->ImportSnapshot(doc.dump());
    INFO((r.errors.empty() ? r.status.ToString() : r.errors[0].path + ": " + r.errors[0].reason));
    REQUIRE(r.ok());
    auto view = (*store)->Tenant("acme");
    for (const Record* u : view->users()) {
      std::string id(u->get(Fields().u.id).as_string());
      imported[id] = FactsOf(*view, id);
    }
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto view = (*store)->Tenant("acme");
  REQUIRE(view);
  REQUIRE(view->users().size() == imported.size());
  for (const auto& [id, facts] : imported) {
    INFO(id);
    CHECK(FactsOf(*view, id) == facts);
  }
  // Emails oldest first; documents and the newest activation email decoded too.
  const json l3 = imported["l-3"];
  REQUIRE(l3["emails"].size() == 2);
  CHECK(l3["emails"][0]["id"] == "m-8");
  CHECK(l3["emails"][1]["id"] == "m-9");
  CHECK(l3["newest_activation_email"]["id"] == "m-9");
  CHECK(l3["documents"][0]["id"] == "d-1");
  CHECK(l3["programmes"] == json::array());
  CHECK(l3["sign_ins"] == json::array());
}

TEST_CASE("users with the same groups share lists yet each sees their own groups", "[store][view]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  const AccountFields& F = Fields();
  auto lineage = [&](std::string_view id) {
    std::vector<std::string> out;
    for (const Value& v : *view->FindUser(id)->get(F.u.group_lineage).as_list()) out.emplace_back(v.as_string());
    return out;
  };
  // a-2, e-1 and l-1 are all in g-north; e-2 in g-south; a-1 in g-all.
  CHECK(lineage("a-2") == std::vector<std::string>{"g-north", "g-all"});
  CHECK(lineage("l-1") == lineage("a-2"));
  CHECK(lineage("e-2") == std::vector<std::string>{"g-south", "g-all"});
  CHECK(lineage("a-1") == std::vector<std::string>{"g-all"});
  CHECK(view->FindUser("e-2")->get(F.u.groups).as_list()->items[0].as_record() == view->FindGroup("g-south"));
}

TEST_CASE("lookups confirm each hit: usernames, emails, shared display names", "[store][view][lookup]") {
  json doc = testing::MiniSnapshot();
  doc["users"].push_back({{"id", "l-3"}, {"type", "learner"}, {"first_name", "JAMIE"}, {"last_name", "smith"},
                          {"email", "other@example.org"}, {"username", "OTHER.name"}, {"status", "invited"},
                          {"groups", {"g-north"}}});
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(doc.dump()).ok());
  auto view = store->Tenant("acme");
  CHECK(Ids(view->FindUsersByDisplayName("jamie smith")) == std::vector<std::string>{"l-1", "l-3"});
  REQUIRE(view->FindUserByLogin("other.NAME") != nullptr);
  CHECK(view->FindUserByLogin("other.NAME") == view->FindUser("l-3"));
  CHECK(view->FindUserByLogin(" bob ") == view->FindUser("a-2"));
  CHECK(view->FindUserByLogin("bob@acme.test") == view->FindUser("a-2"));
  CHECK(view->FindUserByLogin("bo") == nullptr);
  CHECK(view->FindUserByLogin("") == nullptr);
  CHECK(view->FindUser("l-") == nullptr);
  CHECK(view->FindUser("") == nullptr);
  CHECK(view->FindUsersByDisplayName("").empty());
}

TEST_CASE("users named in a question are found by their whole name, as FindNamedUsers finds them", "[store][view][lookup]") {
  json doc = testing::MiniSnapshot();
  doc["users"].push_back({{"id", "l-3"}, {"type", "learner"}, {"first_name", "Jamie"}, {"last_name", "Smithson"},
                          {"email", "js@example.org"}, {"status", "invited"}, {"groups", {"g-north"}}});
  doc["users"].push_back({{"id", "l-4"}, {"type", "learner"}, {"first_name", "Mary-Jo"}, {"last_name", "O'Neil Day"},
                          {"email", "mj@example.org"}, {"status", "invited"}, {"groups", {"g-north"}}});
  doc["users"].push_back({{"id", "l-5"}, {"type", "learner"}, {"first_name", "JAMIE"}, {"last_name", "smith"},
                          {"email", "j5@example.org"}, {"status", "invited"}, {"groups", {"g-north"}}});
  doc["users"].push_back({{"id", "l-6"}, {"type", "learner"}, {"first_name", "!!"}, {"last_name", "?"},
                          {"email", "j6@example.org"}, {"status", "invited"}, {"groups", {"g-north"}}});
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(doc.dump()).ok());
  auto view = store->Tenant("acme");
  std::vector<UserName> everyone;
  for (const Record* u : view->users()) {
    everyone.push_back({std::string(u->get(Fields().u.id).as_string()),
                        std::string(u->get(Fields().u.display_name).as_string())});
  }
  for (const char* question : {"why can't Jamie Smith log in?", "jamie   SMITH's account", "Jamie Smithson",
                               "is mary jo o'neil day locked out, or Bob North?", "Jamie", "Smith Jamie",
                               "", "!! ?", "erin boss,old timer and ada admin", "jamie smith jamie smith"}) {
    INFO(question);
    std::vector<std::string> ids;
    for (const Record* u : view->UsersNamedIn(question)) ids.emplace_back(u->get(Fields().u.id).as_string());
    CHECK(ids == FindNamedUsers(question, everyone));
  }
  CHECK(Ids(view->UsersNamedIn("why can't Jamie Smith log in?")) == std::vector<std::string>{"l-1", "l-5"});
  CHECK(Ids(view->UsersNamedIn("Jamie Smithson")) == std::vector<std::string>{"l-3"});
  CHECK(Ids(view->UsersNamedIn("is mary jo o'neil day locked out")) == std::vector<std::string>{"l-4"});
  CHECK(view->UsersNamedIn("Smith Jamie").empty());
}

TEST_CASE("related records are attached only to the view's own users", "[store][view]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  const AccountFields& F = Fields();
  FactArena arena;
  // A copy of l-1 that is not the view's record: nothing is attached.
  Record* copy = arena.NewRecord(F.user);
  const Record* l1 = view->FindUser("l-1");
  for (int f = 0; f < F.user->field_count(); ++f) copy->set(f, l1->get(f));
  Record* facts = arena.NewRecord(F.user);
  view->AttachRelatedRecords(*copy, facts, arena);
  CHECK(facts->get(F.u.sign_ins).is_absent());
  view->AttachRelatedRecords(*l1, facts, arena);
  CHECK(facts->get(F.u.sign_ins).as_list()->size == 3);
  // The view's own records do not carry them: they are decoded per question.
  CHECK(l1->get(F.u.sign_ins).is_absent());
}

TEST_CASE("a user with no related records gets five empty lists, not absent fields", "[store][view]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto view = store->Tenant("acme");
  const AccountFields& F = Fields();
  FactArena arena;
  const Record* l2 = view->FindUser("l-2");
  REQUIRE(l2 != nullptr);
  Record* facts = arena.NewRecord(F.user);
  view->AttachRelatedRecords(*l2, facts, arena);
  for (int field : {F.u.programmes, F.u.ilr_episodes, F.u.documents, F.u.emails, F.u.sign_ins}) {
    INFO("field " << field);
    REQUIRE(facts->get(field).kind() == Kind::kList);
    CHECK(facts->get(field).as_list()->size == 0);
    CHECK(facts->get(field).as_list()->begin() == facts->get(field).as_list()->end());
  }
  CHECK(facts->get(F.u.newest_activation_email).is_null());
  // A user with records in some collections only: the others are empty, the
  // filled ones hold every record.
  const Record* l1 = view->FindUser("l-1");
  Record* l1_facts = arena.NewRecord(F.user);
  view->AttachRelatedRecords(*l1, l1_facts, arena);
  CHECK(l1_facts->get(F.u.programmes).as_list()->size == 1);
  CHECK(l1_facts->get(F.u.emails).as_list()->size == 3);
  CHECK(l1_facts->get(F.u.documents).as_list()->size == 0);
}

TEST_CASE("a stored row damaged outside whyd fails the open, naming the table", "[store][view]") {
  const testing::TempDb db_file("damaged");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "UPDATE sign_ins SET record = '{\"user_id\": 42}' WHERE seq = 0", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto reopened = Store::Open(path);
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.status().code() == StatusCode::kInternal);
  CHECK_THAT(reopened.status().message(), Catch::Contains("tenant 'acme'") && Catch::Contains("sign_ins"));
}

}  // namespace
}  // namespace whyd
