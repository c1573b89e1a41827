// A small valid snapshot shared by the store tests, and helpers to vary it.
#ifndef WHYD_TESTS_KNOWLEDGE_STORE_FIXTURE_H_
#define WHYD_TESTS_KNOWLEDGE_STORE_FIXTURE_H_

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/time_util.h"
#include "knowledge/store.h"

namespace whyd::testing {

inline nlohmann::json MiniSnapshot(const std::string& tenant = "acme") {
  nlohmann::json doc = nlohmann::json::parse(R"({
    "schema": "account-state/1",
    "as_of": "2026-11-29T10:00:00Z",
    "tenant": {"id": "TENANT", "name": "Acme Training", "future_key": 1,
               "settings": {"lockout_threshold": 5, "lockout_minutes": 30, "sso_configured": false}},
    "groups": [
      {"id": "g-all", "name": "All", "parent": null},
      {"id": "g-north", "name": "North", "parent": "g-all"},
      {"id": "g-south", "name": "South", "parent": "g-all"},
      {"id": "g-other", "name": "Other tree", "parent": null}
    ],
    "organisations": [{"id": "org-1", "name": "Bakery", "type": "employer"},
                      {"id": "org-2", "name": "Garage", "type": "employer"}],
    "users": [
      {"id": "a-1", "type": "admin", "first_name": "Ada", "last_name": "Admin", "email": "ada@acme.test",
       "username": "ada@acme.test", "status": "full_user", "groups": ["g-all"], "roles": ["supervisor"]},
      {"id": "a-2", "type": "admin", "first_name": "Bob", "last_name": "North", "email": "bob@acme.test",
       "username": "bob", "status": "full_user", "groups": ["g-north"], "roles": []},
      {"id": "e-1", "type": "employer", "first_name": "Erin", "last_name": "Boss", "email": "erin@bakery.test",
       "status": "full_user", "groups": ["g-north"], "organisation_id": "org-1",
       "permissions": ["learners_progress"]},
      {"id": "e-2", "type": "employer", "first_name": "Eve", "last_name": "Viewer", "email": "eve@bakery.test",
       "status": "cancelled", "groups": ["g-south"], "organisation_id": "org-1",
       "permissions": ["view_all_in_assigned_groups"]},
      {"id": "l-1", "type": "learner", "first_name": "Jamie", "last_name": "Smith", "email": " Jamie.Smith@Example.org ",
       "username": "jamie", "status": "full_user", "subscription_end": "2027-09-01", "groups": ["g-north"],
       "organisation_id": "org-1", "case_owner_id": "a-2", "manager_id": "e-1", "mentor_id": null,
       "locked_until": null, "classic_access": true, "console_access": false, "extra": {"kept": true}},
      {"id": "l-2", "type": "learner", "first_name": "Old", "last_name": "Timer", "email": "old@example.org",
       "status": "full_user", "subscription_end": "2026-11-28", "groups": ["g-south"], "organisation_id": "org-2"}
    ],
    "programmes": [{"id": "p-1", "learner_id": "l-1", "name": "Team Leader", "kind": "delivery", "status": "active"}],
    "ilr_episodes": [{"id": "i-1", "learner_id": "l-1", "academic_year": "2025/26", "status": "qa_verified",
                      "in_batch": true, "funded": true}],
    "documents": [],
    "emails": [
      {"id": "m-2", "user_id": "l-1", "kind": "activation", "to": "x", "sent_at": "2025-09-02T09:00:00Z", "status": "bounced"},
      {"id": "m-1", "user_id": "l-1", "kind": "activation", "to": "x", "sent_at": "2025-09-01T09:00:00Z", "status": "delivered"},
      {"id": "m-3", "user_id": "l-1", "kind": "activation", "to": "x", "sent_at": "2025-09-02T09:00:00Z", "status": "blocked"}
    ],
    "sign_ins": [
      {"user_id": "l-1", "at": "2026-10-01T08:00:00Z", "outcome": "success", "interface": "console"},
      {"user_id": "l-1", "at": "2026-11-28T08:00:00Z", "outcome": "bad_password", "interface": "console"},
      {"user_id": "l-1", "at": "2026-11-28T08:01:00Z", "outcome": "locked", "interface": "console"}
    ]
  })");
  doc["tenant"]["id"] = tenant;
  return doc;
}

// The text of examples/demo-tenant.json (empty when it cannot be read).
inline std::string DemoSnapshotText() {
  std::ifstream file(std::string(WHYD_SOURCE_DIR) + "/examples/demo-tenant.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline int64_t At(const char* ts) { return *ParseTimestamp(ts); }
inline const int64_t kNow = At("2026-11-29T10:00:00Z");

// A store file under /tmp, unique to this process, removed (with its WAL
// files) before use and when the test ends, even when it fails.
class TempDb {
 public:
  explicit TempDb(const std::string& name)
      : path_("/tmp/whyd_test_" + name + "_" + std::to_string(::getpid()) + ".db") {
    Remove();
  }
  ~TempDb() { Remove(); }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  const std::string& path() const { return path_; }

 private:
  void Remove() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_;
};

inline std::unique_ptr<Store> OpenMemoryStore() {
  auto store = Store::Open(":memory:");
  if (!store.ok()) return nullptr;
  return std::move(store.value());
}

}  // namespace whyd::testing

#endif  // WHYD_TESTS_KNOWLEDGE_STORE_FIXTURE_H_
