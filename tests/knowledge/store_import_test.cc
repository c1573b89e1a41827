// Snapshot import and record upserts: validation errors (path + reason), all or
// nothing, persistence across reopen, tenant isolation, crash safety.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using nlohmann::json;

bool HasError(const ImportResult& r, const std::string& path, const std::string& reason) {
  for (const FieldError& e : r.errors) {
    if (e.path == path && e.reason == reason) return true;
  }
  return false;
}

// How many sign-ins the facts of user `id` list (related records are decoded
// per question, not held on the view's records).
uint32_t SignInCount(const TenantView& view, std::string_view id) {
  FactArena arena;
  const Record* facts = BuildUserFacts(view, *view.FindUser(id), testing::kNow, 0, arena);
  return facts->get(Fields().u.sign_ins).as_list()->size;
}

std::string Dump(const ImportResult& r) {
  std::string out = r.status.ToString();
  for (const FieldError& e : r.errors) out += "\n  " + e.path + ": " + e.reason;
  return out;
}

TEST_CASE("the demo tenant imports cleanly", "[store][import]") {
  std::ifstream file(std::string(WHYD_SOURCE_DIR) + "/examples/demo-tenant.json");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  auto store = testing::OpenMemoryStore();
  ImportResult r = store->ImportSnapshot(text.str());
  INFO(Dump(r));
  REQUIRE(r.ok());
  CHECK(r.tenant_id == "demo");
  CHECK(r.counts.users >= 40);
}

TEST_CASE("malformed snapshots are rejected with path and reason", "[store][import]") {
  auto store = testing::OpenMemoryStore();

  SECTION("truncated JSON") {
    std::string text = testing::MiniSnapshot().dump();
    ImportResult r = store->ImportSnapshot(text.substr(0, text.size() / 2));
    CHECK(r.status.code() == StatusCode::kInvalidArgument);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].path.empty());
    CHECK(r.errors[0].reason.find("invalid JSON: parse error at line 1, column") == 0);
  }
  SECTION("not an object, wrong schema") {
    CHECK(HasError(store->ImportSnapshot("[1]"), "", "a snapshot must be a JSON object, got an array"));
    json doc = testing::MiniSnapshot();
    doc["schema"] = "account-state/2";
    CHECK(HasError(store->ImportSnapshot(doc.dump()), "/schema", "expected 'account-state/1', got 'account-state/2'"));
  }
  SECTION("wrong types and unknown enum values") {
    json doc = testing::MiniSnapshot();
    doc["users"][4]["failed_logins"] = "5";
    doc["users"][4]["status"] = "actve";
    doc["users"][4]["subscription_end"] = "2027-02-30";
    doc["users"][4]["locked_until"] = "tomorrow";
    doc["users"][4]["roles"] = {"supervisor", 3};
    doc["users"][2]["permissions"] = {"see_everything"};
    doc["tenant"]["settings"]["mfa_internal"] = "yes";
    doc["users"][3].erase("type");
    doc["programmes"] = json::object();
    ImportResult r = store->ImportSnapshot(doc.dump());
    INFO(Dump(r));
    CHECK(r.status.code() == StatusCode::kInvalidArgument);
    CHECK(HasError(r, "/users/4/failed_logins", "expected an integer, got a string"));
    CHECK(HasError(r, "/users/4/status", "unknown value 'actve'"));
    CHECK(HasError(r, "/users/4/subscription_end", "expected a date YYYY-MM-DD, got '2027-02-30'"));
    CHECK(HasError(r, "/users/4/locked_until", "expected an ISO-8601 timestamp, got 'tomorrow'"));
    CHECK(HasError(r, "/users/4/roles/1", "expected a string, got an integer"));
    CHECK(HasError(r, "/users/2/permissions/0", "unknown value 'see_everything'"));
    CHECK(HasError(r, "/tenant/settings/mfa_internal", "expected true or false, got a string"));
    CHECK(HasError(r, "/users/3/type", "required field is missing"));
    CHECK(HasError(r, "/programmes", "expected an array, got an object"));
  }
  SECTION("duplicate ids, dangling references, learner-only fields") {
    json doc = testing::MiniSnapshot();
    doc["users"][5]["id"] = "l-1";
    doc["users"][4]["groups"] = {"g-north", "g-gone"};
    doc["users"][4]["case_owner_id"] = "a-9";
    doc["users"][0]["manager_id"] = "e-1";
    doc["users"][2]["organisation_id"] = "org-9";
    doc["groups"][1]["parent"] = "g-none";
    doc["programmes"][0]["learner_id"] = "l-404";
    ImportResult r = store->ImportSnapshot(doc.dump());
    INFO(Dump(r));
    CHECK(HasError(r, "/users/5/id", "duplicate id 'l-1' (also at /users/4)"));
    CHECK(HasError(r, "/users/4/groups/1", "no group with id 'g-gone'"));
    CHECK(HasError(r, "/users/4/case_owner_id", "no user with id 'a-9'"));
    CHECK(HasError(r, "/users/0/manager_id", "learner-only field must be absent or null on a user of type 'admin'"));
    CHECK(HasError(r, "/users/2/organisation_id", "no organisation with id 'org-9'"));
    CHECK(HasError(r, "/groups/1/parent", "no group with id 'g-none'"));
    CHECK(HasError(r, "/programmes/0/learner_id", "no user with id 'l-404'"));
  }
  SECTION("emails and usernames are unique ignoring case and spaces") {
    json doc = testing::MiniSnapshot();
    doc["users"][5]["email"] = "JAMIE.smith@example.org";
    doc["users"][3]["username"] = "Bob ";
    ImportResult r = store->ImportSnapshot(doc.dump());
    INFO(Dump(r));
    CHECK(HasError(r, "/users/5/email",
                   "'JAMIE.smith@example.org' is already the email or username of /users/4 (addresses are unique ignoring case and spaces)"));
    CHECK(HasError(r, "/users/3/username",
                   "'Bob ' is already the email or username of /users/1 (addresses are unique ignoring case and spaces)"));
  }
  SECTION("group cycles") {
    json doc = testing::MiniSnapshot();
    doc["groups"][0]["parent"] = "g-south";  // g-all -> g-south -> g-all
    ImportResult r = store->ImportSnapshot(doc.dump());
    INFO(Dump(r));
    CHECK(HasError(r, "/groups/0/parent", "groups form a cycle: g-all -> g-south -> g-all"));
    doc = testing::MiniSnapshot();
    doc["groups"][3]["parent"] = "g-other";
    CHECK(HasError(store->ImportSnapshot(doc.dump()), "/groups/3/parent", "groups form a cycle: g-other -> g-other"));
  }
  SECTION("errors are capped at 100") {
    json doc = testing::MiniSnapshot();
    for (int i = 0; i < 150; ++i) {
      char id[16];
      std::snprintf(id, sizeof(id), "x%d", i);
      doc["users"].push_back({{"id", id}, {"type", "robot"}});
    }
    ImportResult r = store->ImportSnapshot(doc.dump());
    CHECK(r.errors.size() == kMaxFieldErrors);
    CHECK(r.errors_truncated);
  }
  SECTION("a 200 MB body is refused before parsing") {
    std::string huge(200u << 20, ' ');
    ImportResult r = store->ImportSnapshot(huge);
    CHECK(r.status.code() == StatusCode::kResourceExhausted);
    CHECK(r.status.message() == "snapshot of 209715200 bytes is over the limit of 104857600 bytes");
  }
  SECTION("the tenant of the URL must match the snapshot") {
    ImportOptions options;
    options.expected_tenant = "other";
    CHECK(HasError(store->ImportSnapshot(testing::MiniSnapshot().dump(), options), "/tenant/id",
                   "the snapshot is of tenant 'acme', not 'other'"));
  }
  // Nothing of a rejected snapshot was applied.
  CHECK(store->Tenant("acme") == nullptr);
  CHECK(store->TenantIds().empty());
}

TEST_CASE("a rejected snapshot leaves the previous state in place", "[store][import]") {
  const testing::TempDb db_file("rejected");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
    auto before = (*store)->Tenant("acme");
    json doc = testing::MiniSnapshot();
    doc["users"].erase(5);          // would remove l-2
    doc["users"][0]["status"] = 1;  // but the snapshot is invalid
    CHECK_FALSE((*store)->ImportSnapshot(doc.dump()).ok());
    CHECK((*store)->Tenant("acme") == before);
  }
  auto reopened = Store::Open(path);
  REQUIRE(reopened.ok());
  auto view = (*reopened)->Tenant("acme");
  REQUIRE(view);
  CHECK(view->users().size() == 6);
  CHECK(view->FindUser("l-2") != nullptr);
}

TEST_CASE("state survives reopening, unknown keys are kept in the stored record", "[store][import]") {
  const testing::TempDb db_file("reopen");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    // Stored records are the client's own bytes: brackets and quotes inside
    // strings, and odd spacing, must not confuse where a record ends.
    json doc = testing::MiniSnapshot();
    doc["users"][4]["last_name"] = "Sm\"}]ith, [x] {y}";
    std::string text = doc.dump(1);
    REQUIRE((*store)->ImportSnapshot(text).ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto view = (*store)->Tenant("acme");
  REQUIRE(view);
  CHECK(view->users().size() == 6);
  CHECK(view->as_of() == testing::kNow);
  CHECK(SignInCount(*view, "l-1") == 3);
  CHECK(view->FindUser("l-1")->get(Fields().u.last_name).as_string() == "Sm\"}]ith, [x] {y}");
  CHECK(view->FindUser("l-2")->get(Fields().u.last_name).as_string() == "Timer");

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT record FROM users WHERE tenant = 'acme' AND id = 'l-1'", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  json record = json::parse(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  CHECK(record["extra"]["kept"] == true);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("an import aborted mid-transaction changes nothing", "[store][import][crash]") {
  const testing::TempDb db_file("abort");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
    json doc = testing::MiniSnapshot();
    doc["users"][4]["first_name"] = "Changed";
    ImportOptions options;
    options.fail_after_rows = 5;
    ImportResult r = (*store)->ImportSnapshot(doc.dump(), options);
    CHECK(r.status.code() == StatusCode::kInternal);
    CHECK((*store)->Tenant("acme")->FindUser("l-1")->get(Fields().u.first_name).as_string() == "Jamie");
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->Tenant("acme")->FindUser("l-1")->get(Fields().u.first_name).as_string() == "Jamie");
}

TEST_CASE("a process killed in the middle of an import leaves the previous state", "[store][import][crash]") {
  const testing::TempDb db_file("kill");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  }
  json big = testing::MiniSnapshot();
  for (int i = 0; i < 45000; ++i) {
    big["sign_ins"].push_back({{"user_id", "l-2"}, {"at", "2026-11-01T08:00:00Z"}, {"outcome", "success"}});
  }
  const std::string text = big.dump();
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto store = Store::Open(path);
    if (!store.ok()) _exit(3);
    ImportOptions options;
    options.progress = [](size_t done, size_t total) {
      if (done > 0 && done < total) raise(SIGKILL);  // rows are half written
    };
    (void)(*store)->ImportSnapshot(text, options);
    _exit(4);  // not reached when the kill lands
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto view = (*store)->Tenant("acme");
  REQUIRE(view);
  CHECK(SignInCount(*view, "l-2") == 0);
  CHECK(view->users().size() == 6);
}

TEST_CASE("upserts and deletes apply all or nothing", "[store][records]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  const AccountFields& F = Fields();

  SECTION("an upsert replaces a record by id and appends new ones") {
    json req = {{"upsert", {{"users", {{{"id", "l-2"}, {"type", "learner"}, {"status", "cancelled"}},
                                        {{"id", "l-3"}, {"type", "learner"}, {"status", "invited"}, {"email", "new@x.org"}}}}}}};
    ImportResult r = store->ApplyRecords("acme", req.dump());
    INFO(Dump(r));
    REQUIRE(r.ok());
    CHECK(r.counts.users == 2);
    auto view = store->Tenant("acme");
    CHECK(view->FindUser("l-2")->get(F.u.status).as_string() == "cancelled");
    CHECK(view->FindUserByLogin("NEW@x.org") != nullptr);
    CHECK(view->users().size() == 7);
  }
  SECTION("an invalid upsert names the request's path and applies nothing") {
    auto before = store->Tenant("acme");
    json req = {{"upsert", {{"users", {{{"id", "l-2"}, {"type", "learner"}, {"status", "actve"}}}},
                            {"programmes", {{{"id", "p-9"}, {"learner_id", "l-404"}}}}}}};
    ImportResult r = store->ApplyRecords("acme", req.dump());
    INFO(Dump(r));
    CHECK(HasError(r, "/upsert/users/0/status", "unknown value 'actve'"));
    CHECK(HasError(r, "/upsert/programmes/0/learner_id", "no user with id 'l-404'"));
    CHECK(store->Tenant("acme") == before);
  }
  SECTION("deleting a user takes their records along; references to them are errors") {
    json del = {{"delete", {{"users", {"l-1"}}}}};
    ImportResult ok = store->ApplyRecords("acme", del.dump());
    INFO(Dump(ok));
    REQUIRE(ok.ok());
    CHECK(ok.counts.deleted == 1 + 1 + 1 + 3 + 3);  // user, programme, ILR, emails, sign-ins
    CHECK(store->Tenant("acme")->FindUser("l-1") == nullptr);

    json still_referenced = {{"delete", {{"users", {"a-2"}}}}};  // no longer referenced: l-1 is gone
    CHECK(store->ApplyRecords("acme", still_referenced.dump()).ok());
    json manager = {{"delete", {{"users", {"e-9"}}}}};
    CHECK(HasError(store->ApplyRecords("acme", manager.dump()), "/delete/users/0", "no users record with id 'e-9'"));
  }
  SECTION("a deleted user still referenced by another user is refused") {
    json del = {{"delete", {{"users", {"e-1"}}}}};  // l-1's manager
    ImportResult r = store->ApplyRecords("acme", del.dump());
    CHECK(HasError(r, "/users/l-1/manager_id", "no user with id 'e-1'"));
    CHECK(store->Tenant("acme")->FindUser("e-1") != nullptr);
  }
  SECTION("malformed requests") {
    CHECK(HasError(store->ApplyRecords("acme", R"({"upsert": {"robots": []}})"), "/upsert/robots", "unknown collection 'robots'"));
    CHECK(HasError(store->ApplyRecords("acme", R"({"replace": {}})"), "/replace", "unknown key: expected 'upsert' or 'delete'"));
    CHECK(HasError(store->ApplyRecords("acme", R"({"delete": {"sign_ins": ["x"]}})"), "/delete/sign_ins",
                   "sign-ins have no id; they go with their user"));
    CHECK(store->ApplyRecords("acme", "{").status.code() == StatusCode::kInvalidArgument);
    CHECK(store->ApplyRecords("nobody", R"({"upsert": {}})").status.code() == StatusCode::kNotFound);
  }
}

TEST_CASE("tenants are isolated: one tenant's import never touches another's rows", "[store][isolation]") {
  const testing::TempDb db_file("isolation");
  const std::string& path = db_file.path();
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    REQUIRE((*store)->ImportSnapshot(testing::MiniSnapshot("acme").dump()).ok());
    json other = testing::MiniSnapshot("globex");
    other["users"].erase(5);
    REQUIRE((*store)->ImportSnapshot(other.dump()).ok());
    json del = {{"delete", {{"users", {"l-1"}}}}};
    REQUIRE((*store)->ApplyRecords("globex", del.dump()).ok());
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->TenantIds() == std::vector<std::string>{"acme", "globex"});
  CHECK((*store)->Tenant("acme")->users().size() == 6);
  CHECK((*store)->Tenant("acme")->FindUser("l-1") != nullptr);
  CHECK((*store)->Tenant("globex")->users().size() == 4);
  CHECK((*store)->Tenant("globex")->FindUser("l-1") == nullptr);
  CHECK(SignInCount(*(*store)->Tenant("acme"), "l-1") == 3);
}

TEST_CASE("readers keep their view while a writer publishes a new one", "[store][threads]") {
  auto store = testing::OpenMemoryStore();
  REQUIRE(store->ImportSnapshot(testing::MiniSnapshot().dump()).ok());
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        auto view = store->Tenant("acme");
        if (!view || view->FindUser("l-1") == nullptr || view->users().size() < 6) ++bad;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    json req = {{"upsert", {{"users", {{{"id", "n-" + std::to_string(i)}, {"type", "learner"}}}}}}};
    REQUIRE(store->ApplyRecords("acme", req.dump()).ok());
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
  CHECK(store->Tenant("acme")->users().size() == 26);
}

}  // namespace
}  // namespace whyd
