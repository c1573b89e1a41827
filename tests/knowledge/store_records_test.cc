// Record upserts and deletes change only what they name: the view they
// publish is the one a reopened store builds from the rows, their validation
// sees the whole stored state, and a failure applies nothing.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "engine/facts_json.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using nlohmann::json;
using testing::kNow;

std::string Dump(const ImportResult& r) {
  std::string out = r.status.ToString();
  for (const FieldError& e : r.errors) out += "\n  " + e.path + ": " + e.reason;
  return out;
}

bool HasError(const ImportResult& r, const std::string& path, const std::string& reason_part) {
  for (const FieldError& e : r.errors) {
    if (e.path == path && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

// Every user's facts (linked users one level deep), by id, in view order.
json AllFacts(const TenantView& view) {
  json out = json::array();
  for (const Record* u : view.users()) {
    FactArena arena;
    out.push_back(ValueToJson(Value::OfRecord(BuildUserFacts(view, *u, kNow, 1, arena))));
  }
  return out;
}

TEST_CASE("after each change the live view equals the view rebuilt from the rows", "[store][records]") {
  const testing::TempDb db_file("equal");
  const std::string& path = db_file.path();
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  const std::vector<json> requests = {
      // A changed user, and a new one arriving with records of every kind.
      json::parse(R"({"upsert": {
        "users": [{"id": "l-2", "type": "learner", "first_name": "Olga", "last_name": "Timer", "email": "old@example.org",
                   "status": "full_user", "groups": ["g-north"], "organisation_id": "org-1"},
                  {"id": "l-3", "type": "learner", "first_name": "Nia", "last_name": "New", "email": "nia@example.org",
                   "status": "invited", "groups": ["g-south"], "organisation_id": "org-2", "manager_id": "e-1"}],
        "programmes": [{"id": "p-3", "learner_id": "l-3", "name": "Chef", "kind": "delivery", "status": "active"}],
        "emails": [{"id": "m-7", "user_id": "l-3", "kind": "activation", "to": "x", "sent_at": "2026-11-20T09:00:00Z", "status": "delivered"}],
        "sign_ins": [{"user_id": "l-3", "at": "2026-11-21T08:00:00Z", "outcome": "not_activated", "interface": "console"}]}})"),
      // An email moves from l-1 to l-3.
      json::parse(R"({"upsert": {"emails": [
        {"id": "m-1", "user_id": "l-3", "kind": "activation", "to": "y", "sent_at": "2026-11-22T09:00:00Z", "status": "bounced"}]}})"),
      // Another is replaced in place.
      json::parse(R"({"upsert": {"emails": [
        {"id": "m-3", "user_id": "l-1", "kind": "activation", "to": "x", "sent_at": "2025-09-02T09:00:00Z", "status": "delivered"}]}})"),
      // A deleted email, a new sign-in.
      json::parse(R"({"delete": {"emails": ["m-2"]},
                      "upsert": {"sign_ins": [{"user_id": "l-1", "at": "2026-11-29T09:00:00Z", "outcome": "success", "interface": "console"}]}})"),
      // A new group and organisation, and users moved into them.
      json::parse(R"({"upsert": {
        "groups": [{"id": "g-east", "name": "East", "parent": "g-north"}],
        "organisations": [{"id": "org-3", "name": "Florist", "type": "employer"}],
        "users": [{"id": "e-2", "type": "employer", "first_name": "Eve", "last_name": "Viewer", "email": "eve@bakery.test",
                   "status": "full_user", "groups": ["g-east"], "organisation_id": "org-3", "permissions": ["view_all_in_assigned_groups"]}]}})"),
      // A user deleted with their records and created again in one request.
      json::parse(R"({"delete": {"users": ["l-3"]},
                      "upsert": {"users": [{"id": "l-3", "type": "learner", "first_name": "Nia", "last_name": "Again",
                                            "email": "nia@example.org", "status": "prospect", "groups": ["g-east"]}]}})"),
      // An unreferenced group goes.
      json::parse(R"({"delete": {"groups": ["g-other"]}})"),
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    INFO("request " << i << ": " << requests[i].dump());
    ImportResult r = (*store)->ApplyRecords("acme", requests[i].dump());
    INFO(Dump(r));
    REQUIRE(r.ok());
    auto live = (*store)->Tenant("acme");
    auto reopened = Store::Open(path);
    REQUIRE(reopened.ok());
    CHECK(AllFacts(*live) == AllFacts(*(*reopened)->Tenant("acme")));
  }
  // What the requests did, seen through the facts.
  const json facts = AllFacts(*(*store)->Tenant("acme"));
  auto of = [&](const std::string& id) {
    for (const json& f : facts) {
      if (f["id"] == id) return f;
    }
    FAIL("no user " << id);
    return json();
  };
  CHECK(of("l-3")["last_name"] == "Again");
  CHECK(of("l-3")["emails"] == json::array());  // m-1 went with the deleted l-3
  CHECK(of("l-3")["group_lineage"] == json::array({"g-east", "g-north", "g-all"}));
  CHECK(of("l-1")["emails"].size() == 1);       // m-1 moved away, m-2 deleted, m-3 stays
  CHECK(of("l-1")["newest_activation_email"]["status"] == "delivered");
  CHECK(of("l-1")["sign_ins"].size() == 4);
  CHECK(of("e-2")["organisation"]["name"] == "Florist");
  CHECK(of("l-2")["first_name"] == "Olga");
  CHECK((*store)->Tenant("acme")->FindGroup("g-other") == nullptr);
}

TEST_CASE("upserts are checked against the whole stored state", "[store][records]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  auto before = store->Tenant("acme");
  auto apply = [&](const char* text) { return store->ApplyRecords("acme", text); };

  SECTION("an address another stored user holds, in any case") {
    ImportResult r = apply(R"({"upsert": {"users": [{"id": "l-3", "type": "learner", "email": "JAMIE.smith@example.org", "status": "invited"}]}})");
    CHECK(HasError(r, "/upsert/users/0/email", "is already the email or username of /users/l-1"));
    CHECK(store->Tenant("acme") == before);
  }
  SECTION("an address given up in the same request is free") {
    CHECK(apply(R"({"delete": {"users": ["l-2"]},
                   "upsert": {"users": [{"id": "l-3", "type": "learner", "email": "old@example.org", "status": "invited"}]}})").ok());
    CHECK(apply(R"({"upsert": {"users": [
                   {"id": "l-1", "type": "learner", "email": "jamie2@example.org", "status": "full_user"},
                   {"id": "l-4", "type": "learner", "email": "jamie.smith@example.org", "status": "invited"}]}})").ok());
  }
  SECTION("a parent that closes a cycle in the group forest") {
    ImportResult r = apply(R"({"upsert": {"groups": [{"id": "g-all", "name": "All", "parent": "g-north"}]}})");
    CHECK(HasError(r, "/upsert/groups/0/parent", "groups form a cycle"));
    CHECK(store->Tenant("acme") == before);
  }
  SECTION("deleting what stored records still point at") {
    CHECK(HasError(apply(R"({"delete": {"groups": ["g-north"]}})"), "/users/a-2/groups/0", "no group with id 'g-north'"));
    CHECK(HasError(apply(R"({"delete": {"groups": ["g-all"]}})"), "/groups/g-north/parent", "no group with id 'g-all'"));
    CHECK(HasError(apply(R"({"delete": {"organisations": ["org-1"]}})"), "/users/e-1/organisation_id",
                   "no organisation with id 'org-1'"));
    CHECK(HasError(apply(R"({"delete": {"users": ["a-2"]}})"), "/users/l-1/case_owner_id", "no user with id 'a-2'"));
    CHECK(store->Tenant("acme") == before);
  }
  SECTION("a record of a user deleted in the same request") {
    ImportResult r = apply(R"({"delete": {"users": ["l-2"]},
                              "upsert": {"programmes": [{"id": "p-9", "learner_id": "l-2"}]}})");
    CHECK(HasError(r, "/upsert/programmes/0/learner_id", "no user with id 'l-2'"));
  }
  SECTION("deleting a record that is not there") {
    CHECK(HasError(apply(R"({"delete": {"emails": ["zz"]}})"), "/delete/emails/0", "no emails record with id 'zz'"));
    CHECK(HasError(apply(R"({"delete": {"programmes": [7]}})"), "/delete/programmes/0", "expected an id string"));
  }
  SECTION("a later record of the request replaces an earlier one with the same id") {
    ImportResult r = apply(R"({"upsert": {"users": [
        {"id": "l-9", "type": "learner", "email": "a@x.org", "status": "bogus"},
        {"id": "l-9", "type": "learner", "email": "a@x.org", "status": "invited"}]}})");
    INFO(Dump(r));
    CHECK(r.ok());
    CHECK(store->Tenant("acme")->FindUser("l-9")->get(Fields().u.status).as_string() == "invited");
  }
}

TEST_CASE("a request that fails while writing rows applies nothing", "[store][records][crash]") {
  const testing::TempDb db_file("records_abort");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
    auto before = (*store)->Tenant("acme");
    ImportOptions options;
    options.fail_after_rows = 2;
    ImportResult r = (*store)->ApplyRecords("acme", R"({"upsert": {"users": [
        {"id": "l-7", "type": "learner", "email": "a7@x.org", "status": "invited"},
        {"id": "l-8", "type": "learner", "email": "a8@x.org", "status": "invited"}]}})", options);
    CHECK(r.status.code() == StatusCode::kInternal);
    CHECK((*store)->Tenant("acme") == before);
    // The next request is numbered and applied as if the failed one never was.
    REQUIRE((*store)->ApplyRecords("acme", R"({"upsert": {"users": [
        {"id": "l-8", "type": "learner", "email": "a8@x.org", "status": "invited"}]}})").ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto view = (*store)->Tenant("acme");
  CHECK(view->FindUser("l-7") == nullptr);
  CHECK(view->FindUser("l-8") != nullptr);
  CHECK(view->users().size() == 7);
}

TEST_CASE("upserts and deletes never touch another tenant's rows with the same ids", "[store][records][isolation]") {
  const testing::TempDb db_file("records_isolation");
  json globex_before;
  {
    auto store = Store::Open(db_file.path());
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot("acme").dump()).ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot("globex").dump()).ok());
    globex_before = AllFacts(*(*store)->Tenant("globex"));
    for (const char* request : {
             R"({"delete": {"users": ["l-1"], "emails": []}})",
             R"({"upsert": {"users": [{"id": "l-2", "type": "learner", "email": "x@y.z", "status": "archived"}],
                            "sign_ins": [{"user_id": "l-2", "at": "2026-11-29T09:00:00Z", "outcome": "success"}]}})",
             R"({"delete": {"groups": ["g-other"], "organisations": ["org-2"], "users": ["l-2"]}})"}) {
      ImportResult r = (*store)->ApplyRecords("acme", request);
      INFO(request << "\n" << Dump(r));
      REQUIRE(r.ok());
      CHECK(AllFacts(*(*store)->Tenant("globex")) == globex_before);
    }
    CHECK((*store)->Tenant("acme")->users().size() == 4);
  }
  auto reopened = Store::Open(db_file.path());
  REQUIRE(reopened.ok());
  CHECK(AllFacts(*(*reopened)->Tenant("globex")) == globex_before);
  CHECK((*reopened)->Tenant("acme")->users().size() == 4);
}

// The snapshot an upsert of `record` into `collection` stands for: the record
// replaces the one with its id, else it is appended.
json Merged(json doc, const std::string& collection, const json& record) {
  json& list = doc[collection];
  if (record.contains("id") && record["id"].is_string()) {
    for (json& existing : list) {
      if (existing["id"] == record["id"]) {
        existing = record;
        return doc;
      }
    }
  }
  list.push_back(record);
  return doc;
}

TEST_CASE("an upsert of any value in any field agrees with importing the merged snapshot", "[store][records][robustness]") {
  const json base = testing::MiniSnapshot();
  const json replacements[] = {nullptr, true, -3, "", "x", json::array(), json::array({"g-all"}),
                               json::object(), "2026-11-29", "a-1", "g-north", "org-2", "ada@acme.test"};
  auto incremental = testing::OpenMemoryStore();
  auto full = testing::OpenMemoryStore();
  int agreed_ok = 0, agreed_invalid = 0;
  for (const char* collection : {"groups", "organisations", "users", "programmes", "emails", "sign_ins"}) {
    for (size_t i = 0; i < base[collection].size(); ++i) {
      for (auto field = base[collection][i].begin(); field != base[collection][i].end(); ++field) {
        for (const json& value : replacements) {
          json record = base[collection][i];
          record[field.key()] = value;
          INFO(collection << "/" << i << "/" << field.key() << " = " << value.dump());
          REQUIRE(incremental->ImportSnapshot(base.dump()).ok());
          auto before = incremental->Tenant("acme");
          ImportResult applied = incremental->ApplyRecords("acme", json{{"upsert", {{collection, {record}}}}}.dump());
          ImportResult imported = full->ImportSnapshot(Merged(base, collection, record).dump());
          INFO(Dump(applied) << "\nfull import: " << Dump(imported));
          REQUIRE(applied.ok() == imported.ok());
          if (applied.ok()) {
            ++agreed_ok;
            CHECK(AllFacts(*incremental->Tenant("acme")) == AllFacts(*full->Tenant("acme")));
          } else {
            ++agreed_invalid;
            CHECK(applied.status.code() == StatusCode::kInvalidArgument);
            CHECK(incremental->Tenant("acme") == before);
          }
        }
      }
    }
  }
  CHECK(agreed_ok > 50);
  CHECK(agreed_invalid > 50);
}

TEST_CASE("deleting any record agrees with importing the snapshot without it", "[store][records][robustness]") {
  const json base = testing::MiniSnapshot();
  auto incremental = testing::OpenMemoryStore();
  auto full = testing::OpenMemoryStore();
  int agreed_ok = 0, agreed_invalid = 0;
  for (const char* collection : {"groups", "organisations", "users", "programmes", "ilr_episodes", "emails"}) {
    for (const json& record : base[collection]) {
      const std::string id = record["id"];
      INFO(collection << " " << id);
      json without = base;
      json& list = without[collection];
      list.erase(std::remove_if(list.begin(), list.end(), [&](const json& r) { return r["id"] == id; }), list.end());
      if (std::string(collection) == "users") {  // a user's records go with them
        for (const char* owned : {"programmes", "ilr_episodes", "documents", "emails", "sign_ins"}) {
          json& records = without[owned];
          const char* owner = std::string(owned) == "emails" || std::string(owned) == "sign_ins" ? "user_id" : "learner_id";
          records.erase(std::remove_if(records.begin(), records.end(), [&](const json& r) { return r[owner] == id; }),
                        records.end());
        }
      }
      REQUIRE(incremental->ImportSnapshot(base.dump()).ok());
      ImportResult applied = incremental->ApplyRecords("acme", json{{"delete", {{collection, {id}}}}}.dump());
      ImportResult imported = full->ImportSnapshot(without.dump());
      INFO(Dump(applied) << "\nfull import: " << Dump(imported));
      REQUIRE(applied.ok() == imported.ok());
      if (applied.ok()) {
        ++agreed_ok;
        CHECK(AllFacts(*incremental->Tenant("acme")) == AllFacts(*full->Tenant("acme")));
      } else {
        ++agreed_invalid;
      }
    }
  }
  CHECK(agreed_ok > 3);
  CHECK(agreed_invalid > 3);
}

TEST_CASE("a store file of another table layout is refused with what to do", "[store]") {
  const testing::TempDb db_file("layout");
  const std::string& path = db_file.path();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE tenants(tenant TEXT PRIMARY KEY, record TEXT); PRAGMA user_version = 1;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(store.status().message(), Catch::Contains("layout 1") && Catch::Contains("whyd import"));
}

}  // namespace
}  // namespace whyd
