// Every field of every record replaced by every kind of JSON value: the import
// either succeeds or fails with errors naming that field; it never crashes, and
// a successful import yields facts that can be gathered.
#include <catch2/catch.hpp>

#include "knowledge/facts_gatherer.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using nlohmann::json;

TEST_CASE("any value in any field is either accepted or reported at its path", "[store][robustness]") {
  const json base = testing::MiniSnapshot();
  const json replacements[] = {nullptr, true, -3, 2.5, "", "x", json::array(), json::array({1}),
                               json::object(), "2026-11-29", "2026-11-29T10:00:00Z"};
  auto store = testing::OpenMemoryStore();
  int accepted = 0, rejected = 0;
  for (const char* collection : {"groups", "organisations", "users", "programmes", "ilr_episodes", "emails", "sign_ins"}) {
    for (size_t i = 0; i < base[collection].size(); ++i) {
      for (auto field = base[collection][i].begin(); field != base[collection][i].end(); ++field) {
        for (const json& value : replacements) {
          json doc = base;
          doc[collection][i][field.key()] = value;
          ImportResult r = store->ImportSnapshot(doc.dump());
          const std::string path = "/" + std::string(collection) + "/" + std::to_string(i) + "/" + field.key();
          if (r.ok()) {
            ++accepted;
            auto view = store->Tenant("acme");
            FactArena arena;
            for (const Record* u : view->users()) {
              FactRequest req;
              req.asker_id = u->get(0).as_string();
              req.user_id = req.asker_id;
              req.now = testing::kNow;
              req.want_stats = true;
              req.email = "jamie";
              CHECK(GatherFacts(*view, req, arena).ok());
            }
          } else {
            ++rejected;
            INFO(path << " = " << value.dump() << ": " << r.status.ToString());
            CHECK(r.status.code() == StatusCode::kInvalidArgument);
            // The error names the field itself; a changed id may instead leave
            // references to the old id dangling, reported where they are.
            bool names_field = field.key() == "id" && !r.errors.empty();
            for (const FieldError& e : r.errors) {
              if (e.path.rfind(path, 0) == 0) names_field = true;
            }
            CHECK(names_field);
          }
        }
      }
    }
  }
  CHECK(accepted > 0);
  CHECK(rejected > 0);
}

}  // namespace
}  // namespace whyd
